/**
 * How a signal for the child crosses into the Linux sandbox. bwrap passes
 * none on, and authsome cannot name the helper's process (Deno treats
 * /proc/PID as off limits): the helper connects to a Unix socket in the
 * run's folder, and authsome writes each signal's name down it.
 */

/** The signals that may be sent down the channel. */
export const CHANNEL_SIGNALS: readonly Deno.Signal[] = ["SIGTERM", "SIGHUP", "SIGINT"];

/** Outside: listens at `path`; `send` reaches the first helper that connects. */
export function signalSender(path: string): {
  send(signal: Deno.Signal): Promise<void>;
} & AsyncDisposable {
  const listener = Deno.listen({ transport: "unix", path });
  const conn = listener.accept();
  conn.catch(() => {/* Closed before the helper connected. */});
  return {
    async send(signal) {
      await (await conn).write(new TextEncoder().encode(`${signal}\n`));
    },
    [Symbol.asyncDispose]: async () => {
      listener.close();
      await conn.then((c) => c.close(), () => {});
    },
  };
}

/** Inside: connects to `path` and calls `deliver` with each signal named there, until it closes. */
export async function receiveSignals(
  path: string,
  deliver: (signal: Deno.Signal) => void,
): Promise<void> {
  let pending = "";
  try {
    const conn = await Deno.connect({ transport: "unix", path });
    for await (const chunk of conn.readable.pipeThrough(new TextDecoderStream())) {
      pending += chunk;
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const name of lines) {
        const signal = CHANNEL_SIGNALS.find((s) => s === name);
        if (signal) deliver(signal);
      }
    }
  } catch {
    // authsome closed the channel, or never opened it: signals then end with bwrap.
  }
}
