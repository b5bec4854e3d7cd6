/**
 * The two listeners `authsome doctor --clients` puts around a run's proxy,
 * both on 127.0.0.1 and both gone when the check ends: the check endpoint
 * (a TLS origin for the check host, reached only through the proxy, which
 * notes each request and whether it carried the check's credential) and a
 * relay in front of the proxy that notes whether a client connected and
 * what the proxy answered its CONNECTs. Neither changes a byte.
 */

import { createServer, type Server, type Socket } from "node:net";
import { connect } from "node:net";
import { ownOrigin } from "../tls/mod.ts";

/** The host the check endpoint answers for; only the doctor's own proxy routes it. */
export const CHECK_HOST = "check.authsome.test";

/** One request the check endpoint got. */
export interface Arrival {
  /** The first segment of its path: the probe's id. */
  readonly probe: string;
  readonly authorization: string | null;
}

/** The running check endpoint. */
export interface CheckOrigin extends AsyncDisposable {
  readonly port: number;
  /** PEM of the throwaway CA that signed its certificate (the proxy's --upstream-ca). */
  readonly caPem: string;
  readonly arrivals: Arrival[];
}

/** An empty repository's ref advertisement (protocol v0), so `git ls-remote` succeeds. */
const GIT_ADVERTISEMENT = "001e# service=git-upload-pack\n00000000";

/** Starts the check endpoint; its CA and key live in `dir`. */
export async function startCheckOrigin(dir: string): Promise<CheckOrigin> {
  const tls = await ownOrigin(dir, CHECK_HOST, "authsome-doctor");
  const arrivals: Arrival[] = [];
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    cert: tls.certPem,
    key: tls.keyPem,
    onListen: () => {},
  }, async (request) => {
    const url = new URL(request.url);
    await request.body?.cancel();
    arrivals.push({
      probe: url.pathname.split("/")[1] ?? "",
      authorization: request.headers.get("authorization"),
    });
    if (url.pathname.endsWith("/info/refs")) {
      return new Response(GIT_ADVERTISEMENT, {
        headers: { "content-type": "application/x-git-upload-pack-advertisement" },
      });
    }
    return new Response("ok\n");
  });
  return {
    port: server.addr.port,
    caPem: tls.caPem,
    arrivals,
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}

/** What the relay saw since it was last asked. */
export interface RelayView {
  readonly connections: number;
  readonly connectStatuses: number[];
}

/** The running relay. */
export interface ProxyRelay extends AsyncDisposable {
  readonly port: number;
  /** What it saw since the last call, and starts over. */
  take(): RelayView;
}

/** The status codes of the responses at the start of what the proxy sent one connection. */
export function proxyStatuses(text: string): number[] {
  return [...text.matchAll(/HTTP\/1\.[01] (\d{3}) /g)].map((m) => Number(m[1]));
}

/** Starts a relay to the proxy on `proxyPort`. */
export async function startProxyRelay(proxyPort: number): Promise<ProxyRelay> {
  /** What the proxy sent each connection, up to and including its 200 to a CONNECT. */
  let replies: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const index = replies.push("") - 1;
    const mine = replies;
    const proxy = connect(proxyPort, "127.0.0.1");
    for (const socket of [client, proxy]) {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      socket.on("error", () => {
        client.destroy();
        proxy.destroy();
      });
    }
    proxy.on("data", (chunk: Uint8Array) => {
      const text = mine[index];
      // After the proxy's 200 the tunnel carries TLS: nothing more to read.
      if (text.length > 16_384 || proxyStatuses(text).includes(200)) return;
      mine[index] = text + new TextDecoder("latin1").decode(chunk);
    });
    client.pipe(proxy);
    proxy.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === "object" && address ? address.port : 0,
    take() {
      const seen = replies;
      replies = [];
      return { connections: seen.length, connectStatuses: seen.flatMap(proxyStatuses) };
    },
    [Symbol.asyncDispose]: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
