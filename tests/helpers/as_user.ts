/**
 * authsome run as an unprivileged user, for tests of what a same-user child
 * can and cannot read (as root it could read everything). The tests create
 * the user when they run as root and skip with a reason otherwise; under
 * AUTHSOME_REQUIRE_CLIENTS=1 (CI) a skip is a failure.
 */

import { PERMISSIONS, RUNTIME_FLAGS } from "../../scripts/compile.ts";
import { ROOT } from "./cli.ts";
import { which } from "./clients.ts";

/** The user the tests create and run as. */
export const USER = "authsome-test";

const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

async function sh(...argv: string[]): Promise<{ code: number; out: string }> {
  const out = await new Deno.Command(argv[0], {
    args: argv.slice(1),
    stdout: "piped",
    stderr: "piped",
  })
    .output();
  return { code: out.code, out: decode(out.stdout) + decode(out.stderr) };
}

/** Why the tests cannot run as an unprivileged user here, or undefined when they can. */
export function unprivilegedMissing(): string | undefined {
  if (Deno.build.os !== "linux") return "needs Linux";
  if (Deno.uid() !== 0) return "needs root to create an unprivileged user (useradd)";
  for (const tool of ["useradd", "setpriv"]) if (!which(tool)) return `needs ${tool}`;
  for (
    const [path, bit] of [[`${ROOT}main.ts`, 0o4], [
      Deno.realPathSync(Deno.execPath()),
      0o1,
    ]] as const
  ) {
    if (!reachableByOthers(path, bit)) return `needs ${path} readable by other users`;
  }
  return undefined;
}

/** True when every folder above `path` can be entered by other users, and `path` has `bit` for them. */
function reachableByOthers(path: string, bit: number): boolean {
  const parts = path.split("/").filter(Boolean);
  for (let i = 0; i < parts.length; i++) {
    const here = `/${parts.slice(0, i + 1).join("/")}`;
    const mode = Deno.statSync(here).mode ?? 0;
    const need = i === parts.length - 1 ? bit : 0o1;
    if ((mode & need) === 0) return false;
  }
  return true;
}

/** The user's environment for a deno that runs main.ts: a DENO_DIR of its own with the npm cache. */
export interface UserWorld extends AsyncDisposable {
  /** A folder owned by the user (mode 700), removed on dispose. */
  readonly dir: string;
  readonly uid: number;
  /** The argv that starts authsome (main.ts with the compiled binary's permissions). */
  command(args: readonly string[]): string[];
  /** `argv` prefixed so that it runs as the user. */
  asUser(argv: readonly string[]): string[];
  /** Environment variables every such authsome needs (DENO_DIR, HOME). */
  readonly env: Record<string, string>;
  /** Makes `path` (and everything under it) the user's. */
  own(path: string): Promise<void>;
}

/** Creates the user if needed and a folder of its own holding a copy of Deno's npm cache. */
export async function userWorld(): Promise<UserWorld> {
  if ((await sh("id", "-u", USER)).code !== 0) {
    const made = await sh("useradd", "--system", "--no-create-home", "--shell", "/bin/sh", USER);
    if (made.code !== 0 && (await sh("id", "-u", USER)).code !== 0) throw new Error(made.out);
  }
  const uid = Number((await sh("id", "-u", USER)).out.trim());
  const dir = await Deno.makeTempDir({ prefix: "authsome-user-" });
  const info = JSON.parse((await sh(Deno.execPath(), "info", "--json")).out);
  await Deno.mkdir(`${dir}/deno`);
  const copied = await sh("cp", "-a", info.npmCache, `${dir}/deno/npm`);
  if (copied.code !== 0) throw new Error(copied.out);
  const own = async (path: string) => {
    const result = await sh("chown", "-R", `${USER}:`, path);
    if (result.code !== 0) throw new Error(result.out);
  };
  await own(dir);
  const reachable = await sh(
    "setpriv",
    ...setprivArgs(),
    "test",
    "-r",
    `${ROOT}main.ts`,
    "-a",
    "-x",
    Deno.execPath(),
  );
  if (reachable.code !== 0) {
    throw new Error(`${USER} cannot read ${ROOT}main.ts or run ${Deno.execPath()}`);
  }
  return {
    dir,
    uid,
    own,
    env: { DENO_DIR: `${dir}/deno`, HOME: dir },
    asUser: (argv) => ["setpriv", ...setprivArgs(), ...argv],
    command: (args) => [
      Deno.execPath(),
      "run",
      ...PERMISSIONS,
      ...RUNTIME_FLAGS,
      "--quiet",
      "--cached-only",
      `${ROOT}main.ts`,
      ...args,
    ],
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  };
}

function setprivArgs(): string[] {
  return ["--reuid", USER, "--regid", USER, "--init-groups", "--"];
}
