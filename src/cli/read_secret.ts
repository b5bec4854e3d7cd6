/** Where a secret typed by the user comes from: a flag's environment variable, stdin, or a hidden prompt. */

import { AuthsomeError } from "../errors.ts";
import { Secret } from "../secret.ts";
import { promptHidden } from "./prompt.ts";

/** Reads all of stdin and drops one trailing line break. */
export async function readStdinSecret(what: string): Promise<Secret> {
  const text = await new Response(Deno.stdin.readable).text();
  const value = text.replace(/\r?\n$/, "");
  if (value === "") throw new AuthsomeError("usage", `No ${what} on standard input`);
  return new Secret(value);
}

/** The secret from `--from-env VAR`, `--key-stdin`, or a hidden prompt on a terminal. */
export async function readKey(
  options: { fromEnv?: string; stdin: boolean; env: Readonly<Record<string, string | undefined>> },
  label: string,
): Promise<Secret> {
  if (options.fromEnv !== undefined && options.stdin) {
    throw new AuthsomeError("usage", "Use either --key-stdin or --from-env, not both");
  }
  if (options.fromEnv !== undefined) {
    const value = options.env[options.fromEnv];
    if (value === undefined || value === "") {
      throw new AuthsomeError(
        "usage",
        `Environment variable "${options.fromEnv}" is not set or empty`,
      );
    }
    return new Secret(value);
  }
  if (options.stdin) return await readStdinSecret(label);
  if (!Deno.stdin.isTerminal()) {
    throw new AuthsomeError("usage", `No terminal to ask for the ${label}`, {
      hint: "Pipe it with --key-stdin, or name a variable with --from-env VAR",
    });
  }
  const value = await promptHidden(`${label}: `);
  if (value === "") throw new AuthsomeError("usage", `No ${label} given; nothing was stored`);
  return new Secret(value);
}
