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

/** How a forwarded signal reaches the child. */
export interface ChildOptions {
  /**
   * Delivers `signal` to the process that should get it, when that is not
   * the one spawned (a sandbox's helper behind bwrap). Default: the child.
   */
  readonly deliver?: (child: Deno.ChildProcess, signal: Deno.Signal) => Promise<void>;
}

function start(argv: readonly string[], env: Record<string, string>): Deno.ChildProcess {
  try {
    return new Deno.Command(argv[0], {
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
}

/** Runs `argv` with `env` until it exits; returns authsome's exit code. */
export async function runChild(
  argv: readonly string[],
  env: Record<string, string>,
  options: ChildOptions = {},
): Promise<number> {
  const posix = Deno.build.os !== "windows";
  const terminal = posix && Deno.stdin.isTerminal();
  let child: Deno.ChildProcess | undefined = undefined;
  const deliver = options.deliver ?? ((c: Deno.ChildProcess, signal: Deno.Signal) => {
    c.kill(signal);
    return Promise.resolve();
  });
  // Listening before the spawn: a signal in between reaches the child instead of ending authsome.
  const forwarded: Deno.Signal[] = posix
    ? ["SIGTERM", "SIGHUP", ...(terminal ? [] : ["SIGINT" as const])]
    : [];
  const handlers = forwarded.map((signal) => {
    const handler = () => {
      if (!child) return;
      try {
        deliver(child, signal).catch(() => {/* The child has already exited. */});
      } catch {
        // The child has already exited.
      }
    };
    return [signal, handler] as const;
  });
  // A terminal's Ctrl-C reaches the child directly; authsome only waits for it to exit.
  if (terminal) handlers.push(["SIGINT", () => {}]);
  // The listeners stay until authsome exits. Deno takes a signal's default
  // action when no listener is left at the time it handles the signal, which
  // may be after the child's exit: a Ctrl-C the child trapped and exited on
  // would then end authsome with 130 instead of the child's own code.
  for (const [signal, handler] of handlers) Deno.addSignalListener(signal, handler);
  child = start(argv, env);
  return exitCodeOf(await child.status);
}
