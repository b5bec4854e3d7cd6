/**
 * `authsome __sandbox-init [--control PATH] [--listen PORT --socket PATH] -- CMD ARGS...`:
 * the first process inside the Linux sandbox, never typed by a user. bwrap
 * forwards no signal, so this helper takes the ones authsome sends down the
 * control socket and passes them on to CMD; with `--listen` it bridges
 * 127.0.0.1:PORT in the network namespace to the proxy's socket. It exits
 * with CMD's exit code, as `run` does.
 */

import { parseArgs } from "node:util";
import { AuthsomeError } from "../../errors.ts";
import { loopbackToSocket } from "../../run/bridge.ts";
import { runChild } from "../../run/child.ts";
import { applyProtection, protectionPlan } from "../../run/protect.ts";
import { receiveSignals } from "../../run/signal_channel.ts";

/** Runs the helper with the arguments after its name. */
export async function runInit(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: {
      listen: { type: "string" },
      socket: { type: "string" },
      control: { type: "string" },
    },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length === 0) throw new AuthsomeError("usage", "No command to run");
  const port = Number(values.listen);
  if (values.listen !== undefined && (!Number.isInteger(port) || !values.socket)) {
    throw new AuthsomeError("usage", "--listen needs a port and --socket a path");
  }
  // Like authsome outside: nothing in the sandbox reads this process's environment or memory.
  applyProtection(protectionPlan(Deno.build.os));
  // Started with these ignored (so bwrap survives them): handling them here
  // restores the default for CMD, which inherits a handler as the default.
  // Kept until exit, as runChild keeps its own (see there).
  Deno.addSignalListener("SIGQUIT", () => {});
  await using _bridge = values.listen === undefined
    ? undefined
    : loopbackToSocket(port, values.socket!);
  // A signal authsome forwards is raised here, where runChild's listeners pass it to CMD.
  if (values.control) receiveSignals(values.control, (signal) => Deno.kill(Deno.pid, signal));
  return await runChild(positionals, Deno.env.toObject());
}
