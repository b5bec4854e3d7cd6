/**
 * Paths whose contents decide where credentials go ($AUTHSOME_HOME, its
 * `providers/` folder and each provider file) must be the user's alone: a
 * path another user owns, or one group or others may write, is refused with
 * the command that fixes it. POSIX only; Windows has no mode bits to check.
 */

import { AuthsomeError } from "./errors.ts";

/** What `stat` says about a path, as far as this check cares. */
export interface PathOwnership {
  readonly mode: number | null;
  readonly uid: number | null;
}

/** Why `path` is unsafe (owned by another user, or writable by group or others), or undefined. Pure. */
export function unsafePath(
  path: string,
  info: PathOwnership,
  uid: number | null,
): AuthsomeError | undefined {
  if (info.uid !== null && uid !== null && info.uid !== uid) {
    return new AuthsomeError(
      "vault",
      `"${path}" is owned by another user (uid ${info.uid}), so it could redirect your credentials`,
      { hint: `If it is yours, run: chown ${uid} "${path}"; otherwise remove it` },
    );
  }
  if (info.mode !== null && (info.mode & 0o022) !== 0) {
    const octal = (info.mode & 0o777).toString(8).padStart(3, "0");
    return new AuthsomeError(
      "vault",
      `"${path}" is writable by group or others (mode ${octal}), so they could redirect your credentials`,
      { hint: `Run: chmod go-w "${path}"` },
    );
  }
  return undefined;
}

/** The problem with `path` if it exists and is unsafe; undefined when it is safe or missing. */
export async function checkPrivatePath(path: string): Promise<AuthsomeError | undefined> {
  if (Deno.build.os === "windows") return undefined;
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw new AuthsomeError("vault", `Cannot inspect "${path}": ${(error as Error).message}`, {
      cause: error,
    });
  }
  return unsafePath(path, info, Deno.uid());
}

/** Throws a `vault` error (exit 5) naming the fix when `path` exists and is unsafe. */
export async function assertPrivatePath(path: string): Promise<void> {
  const problem = await checkPrivatePath(path);
  if (problem) throw problem;
}
