// deno-lint-ignore-file no-console
/**
 * `deno task install [--dir DIR]`: puts an `authsome` command on PATH that runs
 * this checkout's main.ts, without the internet and without a compile. The
 * command is a two-line `sh` script that starts this Deno, by absolute path,
 * with the compiled binary's permissions, V8 settings and lazy module loading (scripts/compile.ts):
 * it runs in the caller's working directory, prints nothing of its own, and
 * picks up every later change to the checkout.
 *
 * DIR defaults to `$AUTHSOME_INSTALL_DIR`, else `~/.local/bin`, as install.sh.
 * Not for Windows (a `.cmd` launcher is not written).
 */

import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { shellQuote } from "../src/cli/export_format.ts";
import { checkoutRunArgs } from "./compile.ts";

/** The checkout this script belongs to, with a trailing slash. */
export const CHECKOUT = fileURLToPath(new URL("../", import.meta.url));

/** The `sh` script that runs `checkout`'s main.ts with `deno`, and the binary's permissions. */
export function launcherScript(deno: string, checkout: string = CHECKOUT): string {
  const argv = [deno, ...checkoutRunArgs(checkout)];
  return `#!/bin/sh\n# authsome from the checkout ${checkout} (scripts/install_checkout.ts)\n` +
    `exec ${argv.map(shellQuote).join(" ")} "$@"\n`;
}

/** The folder the command goes to: `--dir`, else AUTHSOME_INSTALL_DIR, else ~/.local/bin. */
export function installDir(
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  if (flag) return flag;
  if (env.AUTHSOME_INSTALL_DIR) return env.AUTHSOME_INSTALL_DIR;
  return env.HOME ? join(env.HOME, ".local", "bin") : undefined;
}

/** Writes the launcher into `dir` (made if missing) and returns its path. */
export async function installLauncher(
  dir: string,
  deno: string = Deno.execPath(),
): Promise<string> {
  await Deno.mkdir(dir, { recursive: true });
  const path = join(dir, "authsome");
  const temp = `${path}.${crypto.randomUUID()}.tmp`;
  await Deno.writeTextFile(temp, launcherScript(deno), { mode: 0o755 });
  await Deno.rename(temp, path);
  return path;
}

async function main(): Promise<number> {
  const { values } = parseArgs({ args: Deno.args, options: { dir: { type: "string" } } });
  const dir = installDir(values.dir, Deno.env.toObject());
  if (!dir) {
    console.error("install: HOME is not set: name the folder with --dir DIR");
    return 2;
  }
  // Fill Deno's cache from the lockfile now, so the first `authsome` prints no download line.
  const cache = await new Deno.Command(Deno.execPath(), {
    args: ["cache", "--quiet", "--frozen", "--config", join(CHECKOUT, "deno.json"), "main.ts"],
    cwd: CHECKOUT,
  }).spawn().status;
  if (!cache.success) {
    console.error("install: deno could not load main.ts's dependencies (see above)");
    return 1;
  }
  const path = await installLauncher(dir);
  console.error(`install: wrote ${path}`);
  const onPath = (Deno.env.get("PATH") ?? "").split(":").includes(dir);
  if (!onPath) console.error(`install: ${dir} is not on PATH; add: export PATH="${dir}:$PATH"`);
  return 0;
}

if (import.meta.main) Deno.exit(await main());
