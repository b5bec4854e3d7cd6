/**
 * The bridge of `run --sandbox=network`: outside, a Unix socket in the run's
 * folder that leads to the proxy; inside the network namespace, a listener
 * on 127.0.0.1 at the proxy's port that leads to that socket. Bytes are
 * copied as they are; the proxy still checks the run's token.
 */

/** Copies bytes both ways until both directions end, then closes both. */
async function splice(a: Deno.Conn, b: Deno.Conn): Promise<void> {
  await Promise.allSettled([a.readable.pipeTo(b.writable), b.readable.pipeTo(a.writable)]);
  for (const conn of [a, b]) {
    try {
      conn.close();
    } catch {
      // Already closed by its stream.
    }
  }
}

/** Accepts on `listener` and joins each connection to one `connect()` opens. */
function relay(listener: Deno.Listener, connect: () => Promise<Deno.Conn>): AsyncDisposable {
  const done = (async () => {
    for await (const conn of listener) {
      connect().then((other) => splice(conn, other), () => conn.close());
    }
  })().catch(() => {});
  return {
    [Symbol.asyncDispose]: async () => {
      try {
        listener.close();
      } catch {
        // Already closed.
      }
      await done;
    },
  };
}

/** Outside: a Unix socket at `path` whose connections reach the proxy on 127.0.0.1:`port`. */
export function proxySocket(path: string, port: number): AsyncDisposable {
  const listener = Deno.listen({ transport: "unix", path });
  return relay(listener, () => Deno.connect({ hostname: "127.0.0.1", port }));
}

/** Inside: 127.0.0.1:`port` whose connections reach the Unix socket at `path`. */
export function loopbackToSocket(port: number, path: string): AsyncDisposable {
  const listener = Deno.listen({ hostname: "127.0.0.1", port });
  return relay(listener, () => Deno.connect({ transport: "unix", path }));
}
