/**
 * The sandbox the documentation's runnable examples run in: a temporary
 * AUTHSOME_HOME with the user provider `demo` (API host api.demo.test) and
 * `openai` logged in with made-up keys, the `authsome` command that
 * `deno task install` puts on PATH (scripts/install_checkout.ts), and `$DEMO_FLAGS`,
 * the `--connect-to` and `--upstream-ca` flags that send api.demo.test to
 * the local fake API (scripts/fake_api.ts) and trust its test CA.
 */

import { installLauncher } from "../install_checkout.ts";
import { DEMO_KEY, DEMO_PROVIDER, type Origin } from "../fake_api.ts";

export { DEMO_PROVIDER };

/** The made-up key the sandbox logs `openai` in with. */
export const OPENAI_KEY = "sk-demo-00000000000000000000";

/** What a script printed (stdout and stderr together) and its exit code. */
export interface Ran {
  readonly code: number;
  readonly output: string;
}

/** A sandbox; dispose to remove it. */
export interface Sandbox extends AsyncDisposable {
  /** The folder scripts start in (files they write stay for the next script). */
  readonly cwd: string;
  /** The whole environment scripts get. */
  readonly env: Readonly<Record<string, string>>;
  /** Runs `script` with `sh`, stderr merged into stdout; killed after `timeoutMs`. */
  run(script: string, timeoutMs?: number): Promise<Ran>;
}

async function denoDir(): Promise<string> {
  const out = await new Deno.Command(Deno.execPath(), { args: ["info", "--json"], stderr: "null" })
    .output();
  return JSON.parse(new TextDecoder().decode(out.stdout)).denoDir;
}

/** Opens a sandbox whose `$DEMO_FLAGS` lead api.demo.test to `origin`. */
export async function openSandbox(origin: Pick<Origin, "caFile" | "connectTo">): Promise<Sandbox> {
  const root = await Deno.makeTempDir({ prefix: "authsome-docs-" });
  const dirs = {
    bin: `${root}/bin`,
    home: `${root}/authsome`,
    user: `${root}/user`,
    tmp: `${root}/tmp`,
    cwd: `${root}/work`,
  };
  for (const dir of Object.values(dirs)) await Deno.mkdir(dir, { mode: 0o700 });
  await Deno.mkdir(`${dirs.home}/providers`, { mode: 0o700 });
  await Deno.writeTextFile(
    `${dirs.home}/providers/demo.json`,
    `${JSON.stringify(DEMO_PROVIDER, null, 2)}\n`,
  );
  await installLauncher(dirs.bin);
  const env: Record<string, string> = {
    PATH: `${dirs.bin}:${Deno.env.get("PATH") ?? "/usr/bin:/bin"}`,
    HOME: dirs.user,
    TMPDIR: dirs.tmp,
    LC_ALL: "C",
    NO_COLOR: "1",
    DENO_DIR: await denoDir(),
    DENO_NO_UPDATE_CHECK: "1",
    AUTHSOME_HOME: dirs.home,
    AUTHSOME_KEYRING: "none",
    DEMO_FLAGS: [...origin.connectTo("api.demo.test"), "--upstream-ca", origin.caFile].join(" "),
  };
  const run = async (script: string, timeoutMs = 60_000): Promise<Ran> => {
    const out = await new Deno.Command("sh", {
      args: ["-c", `exec 2>&1\n${script}`],
      cwd: dirs.cwd,
      env,
      clearEnv: true,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(timeoutMs),
    }).output();
    return { code: out.code, output: new TextDecoder().decode(out.stdout) };
  };
  const sandbox: Sandbox = {
    cwd: dirs.cwd,
    env,
    run,
    [Symbol.asyncDispose]: () => Deno.remove(root, { recursive: true }),
  };
  for (const [provider, key] of [["demo", DEMO_KEY], ["openai", OPENAI_KEY]]) {
    const login = await run(`printf '%s' '${key}' | authsome login ${provider} --key-stdin`);
    if (login.code !== 0) {
      await sandbox[Symbol.asyncDispose]();
      throw new Error(`the sandbox could not log in to ${provider}: ${login.output}`);
    }
  }
  return sandbox;
}
