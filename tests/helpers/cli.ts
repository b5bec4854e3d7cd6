/**
 * Runs the real entry point, main.ts, as a subprocess with a temporary
 * AUTHSOME_HOME; a process given a test hook runs `fixtures/hooked_main.ts`,
 * the same CLI with the hook passed in.
 */

import { fileURLToPath } from "node:url";
import { checkoutRunArgs } from "../../scripts/compile.ts";
import { shellQuote } from "../../src/cli/export_format.ts";

/** The repository root. */
export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const MAIN = `${ROOT}main.ts`;
const HOOKED_MAIN = `${ROOT}tests/fixtures/hooked_main.ts`;

/** The variables `hooked_main.ts` turns into test hooks; the shipped program reads none of them. */
const HOOKS = ["AUTHSOME_TEST_OAUTH_SECOND_MS", "AUTHSOME_TEST_PAUSE_BEFORE_RENAME_MS"];

/** What a finished authsome process left. */
export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options for {@linkcode authsome}. */
export interface CliOptions {
  readonly home?: string;
  readonly env?: Record<string, string>;
  readonly stdin?: string;
}

/**
 * The argv that starts authsome (for tests that spawn it themselves), with the
 * permissions the compiled binary has, so every test also checks they suffice.
 * With a test hook in `env`, it starts the hooked entry.
 */
export function authsomeCommand(
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
): [string, string[]] {
  const entry = HOOKS.some((name) => env[name] !== undefined) ? HOOKED_MAIN : MAIN;
  return [Deno.execPath(), [...checkoutRunArgs(ROOT, entry), ...args]];
}

/**
 * The test runner's own Deno cache. Deno finds its cache under HOME, so an
 * authsome started with a test's HOME would otherwise fetch its npm packages
 * again (a network dependency) and compile every module anew.
 */
let denoDir: { readonly path?: string } | undefined;

/** Looked up on first use, so a test file that starts no authsome pays nothing. */
function runnerDenoDir(): string | undefined {
  denoDir ??= { path: Deno.env.get("DENO_DIR") ?? denoInfoDir() };
  return denoDir.path;
}

function denoInfoDir(): string | undefined {
  const out = new Deno.Command(Deno.execPath(), {
    args: ["info", "--json"],
    stdout: "piped",
    stderr: "null",
  }).outputSync();
  return out.success ? JSON.parse(new TextDecoder().decode(out.stdout)).denoDir : undefined;
}

/**
 * The environment every authsome a test starts gets: `home` as AUTHSOME_HOME,
 * no colour, no OS keyring, no update check, the runner's Deno cache, then
 * `extra` on top.
 */
export function testEnv(home?: string, extra: Record<string, string> = {}): Record<string, string> {
  const cache = runnerDenoDir();
  return {
    NO_COLOR: "1",
    AUTHSOME_KEYRING: "none",
    DENO_NO_UPDATE_CHECK: "1",
    ...(cache === undefined ? {} : { DENO_DIR: cache }),
    ...(home === undefined ? {} : { AUTHSOME_HOME: home }),
    ...extra,
  };
}

/** Runs `authsome ARGS` to completion. */
export async function authsome(
  args: readonly string[],
  options: CliOptions = {},
): Promise<CliResult> {
  const env = testEnv(options.home, options.env);
  const [cmd, argv] = authsomeCommand(args, env);
  const child = new Deno.Command(cmd, {
    args: argv,
    env,
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (options.stdin !== undefined) {
    const writer = child.stdin.getWriter();
    // A child that exits before reading its input closes the pipe: its exit code and stderr tell why.
    await writer.write(new TextEncoder().encode(options.stdin)).catch(() => {});
    await writer.close().catch(() => {});
  }
  const out = await child.output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
}

/** A temporary AUTHSOME_HOME, removed on dispose. */
export async function tempHome(): Promise<{ path: string } & AsyncDisposable> {
  const path = await Deno.makeTempDir({ prefix: "authsome-test-" });
  return { path, [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }) };
}

/**
 * The arguments that make util-linux `script` run `argv` on a pseudo-terminal
 * of its own, as typed in one. script starts `$SHELL -c LINE`, and dash (the
 * usual /bin/sh) stays as the parent of a lone command where bash would exec
 * it: a Ctrl-C typed then ends that shell with 130, whatever `argv` does.
 * `exec` makes `argv` the terminal's process on every shell.
 */
export function onTerminalArgs(argv: readonly string[]): string[] {
  return ["-qec", `exec ${argv.map(shellQuote).join(" ")}`, "/dev/null"];
}

/** What `reader` gives until its text holds `text`, or until it ends when `text` is not given. */
export async function readUntil(
  reader: ReadableStreamDefaultReader<string>,
  text?: string,
): Promise<string> {
  let seen = "";
  while (text === undefined || !seen.includes(text)) {
    const { value, done } = await reader.read();
    if (done) {
      if (text === undefined) return seen;
      throw new Error(`the child ended before it printed "${text}": ${seen}`);
    }
    seen += value;
  }
  return seen;
}
