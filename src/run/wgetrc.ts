/**
 * wget (GnuTLS on Debian) reads none of the CA variables, only its wgetrc.
 * A run gives it its own `WGETRC`: the user's own settings (from `$WGETRC`,
 * else `~/.wgetrc`), then `ca_certificate` naming the run's CA bundle, which
 * wins because wget keeps the last value it reads. wget still reads the
 * system-wide wgetrc first, as it always does.
 */

import { join } from "node:path";

/** The file name of the run's wgetrc inside the run's folder. */
export const WGETRC_FILE = "wgetrc";

/** The user's wgetrc the run's copy starts from: `$WGETRC`, else `$HOME/.wgetrc`. */
export function userWgetrcPath(
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  if (env.WGETRC) return env.WGETRC;
  return env.HOME ? join(env.HOME, ".wgetrc") : undefined;
}

/** The run's wgetrc: the user's own text (if any), then the run's CA bundle. Pure. */
export function wgetrcSource(own: string | undefined, bundlePath: string): string {
  const mine = own === undefined || own === "" ? "" : `${own}${own.endsWith("\n") ? "" : "\n"}`;
  return `${mine}# Added by authsome run: trust the run's CA bundle (system roots and authsome's CA).\nca_certificate = ${bundlePath}\n`;
}

/** Reads the user's wgetrc, if there is one to read. */
export async function readUserWgetrc(
  env: Readonly<Record<string, string | undefined>>,
): Promise<string | undefined> {
  const path = userWgetrcPath(env);
  if (path === undefined) return undefined;
  try {
    return await Deno.readTextFile(path);
  } catch {
    return undefined;
  }
}
