/**
 * The child process: spawned with inherited stdio (a terminal stays a
 * terminal), SIGTERM and SIGHUP forwarded (SIGINT too, unless the terminal
 * already delivered it to the child's process group), and its exit turned
 * into authsome's: the child's code, or 128+N for signal N.
 */

import { AuthsomeError } from "../errors.ts";

/** Signal numbers that are the same on Linux and macOS. */
const SIGNAL_NUMBERS: Readonly<Record<string, number>> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGILL: 4,
  SIGTRAP: 5,
  SIGABRT: 6,
  SIGFPE: 8,
  SIGKILL: 9,
  SIGSEGV: 11,
  SIGPIPE: 13,
  SIGALRM: 14,
  SIGTERM: 15,
};

/** The exit code of a finished child: its code, or 128+N when signal N ended it. */
export function exitCodeOf(status: Deno.CommandStatus): number {
  if (status.signal) return 128 + (SIGNAL_NUMBERS[status.signal] ?? 0);
  return status.code;
}

/** Runs `argv` with `env` until it exits; returns authsome's exit code. */
export async function runChild(
  argv: readonly string[],
  env: Record<string, string>,
): Promise<number> {
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(argv[0], {
      args: argv.slice(1),
      env,
      clearEnv: true,
      stdin: "inherit",
      stdout: "inherit",
      stderr: "inherit",
    })
      .spawn();
  } catch (error) {
    const missing = error instanceof Deno.errors.NotFound;
    throw new AuthsomeError(
      "usage",
      missing
        ? `Command not found: "${argv[0]}"`
        : `Cannot start "${argv[0]}": ${(error as Error).message}`,
      {
        hint: missing ? "Check the command after --, and PATH" : undefined,
        cause: error,
      },
    );
  }
  const forwarded: Deno.Signal[] = Deno.build.os === "windows"
    ? []
    : ["SIGTERM", "SIGHUP", ...(Deno.stdin.isTerminal() ? [] : ["SIGINT" as const])];
  const handlers = forwarded.map((signal) => {
    const handler = () => {
      try {
        child.kill(signal);
      } catch {
        // The child has already exited.
      }
    };
    Deno.addSignalListener(signal, handler);
    return [signal, handler] as const;
  });
  // A terminal's Ctrl-C reaches the child directly; authsome only waits for it to exit.
  const ignoreInt = () => {};
  if (Deno.build.os !== "windows" && Deno.stdin.isTerminal()) {
    Deno.addSignalListener("SIGINT", ignoreInt);
  }
  try {
    return exitCodeOf(await child.status);
  } finally {
    for (const [signal, handler] of handlers) Deno.removeSignalListener(signal, handler);
    if (Deno.build.os !== "windows" && Deno.stdin.isTerminal()) {
      Deno.removeSignalListener("SIGINT", ignoreInt);
    }
  }
}
