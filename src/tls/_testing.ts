/**
 * Test helpers for this folder: temporary folders released with
 * `await using`, and running real tools (openssl, curl, python3).
 */

/** A temporary folder that removes itself when disposed. */
export interface TempDir extends AsyncDisposable {
  readonly path: string;
}

/** Creates a temporary folder for one test. */
export async function tempDir(): Promise<TempDir> {
  const path = await Deno.makeTempDir({ prefix: "authsome-tls-" });
  return {
    path,
    [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }),
  };
}

/** What a finished tool printed and returned. */
export interface ToolResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `command` with `args` to completion, optionally feeding `stdin`;
 * `env` with `clearEnv` gives it exactly that environment.
 */
export async function runTool(
  command: string,
  args: string[],
  stdin?: string,
  options: { readonly env?: Record<string, string>; readonly clearEnv?: boolean } = {},
): Promise<ToolResult> {
  const child = new Deno.Command(command, {
    args,
    ...options,
    stdin: stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(stdin));
    await writer.close();
  }
  const output = await child.output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

/** `openssl x509 -text` of a PEM certificate. */
export async function x509Text(pem: string): Promise<string> {
  const result = await runTool("openssl", ["x509", "-noout", "-text"], pem);
  if (result.code !== 0) throw new Error(`openssl x509 failed: ${result.stderr}`);
  return result.stdout;
}

/** The permission bits of the file at `path`. */
export async function modeOf(path: string): Promise<number> {
  return ((await Deno.stat(path)).mode ?? 0) & 0o777;
}
