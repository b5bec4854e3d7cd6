/** A TLS origin on 127.0.0.1 for api.openai.com whose connections a test drives byte by byte. */

import { loadOrCreateCa } from "../../src/tls/ca.ts";
import { issueLeaf, loadOrCreateLeafKey } from "../../src/tls/leaf.ts";

/** A running raw origin. */
export interface RawOrigin extends AsyncDisposable {
  readonly port: number;
  /** PEM file of the CA that signed its certificate, for --upstream-ca. */
  readonly caFile: string;
  /** How many connections it accepted so far. */
  accepted(): number;
}

/** Starts an origin that hands each accepted connection to `serve`. */
export async function rawOrigin(serve: (conn: Deno.TlsConn) => Promise<void>): Promise<RawOrigin> {
  const dir = await Deno.makeTempDir({ prefix: "authsome-raw-origin-" });
  const ca = await loadOrCreateCa(dir, { owner: "test-origin" });
  const key = await loadOrCreateLeafKey(dir);
  const cert = await issueLeaf(ca, "api.openai.com", key, new Date());
  const listener = Deno.listenTls({
    hostname: "127.0.0.1",
    port: 0,
    cert,
    key: key.export({ type: "pkcs8", format: "pem" }) as string,
  });
  const conns: Deno.TlsConn[] = [];
  const accepting = (async () => {
    for await (const conn of listener) {
      conns.push(conn);
      serve(conn).catch(() => {});
    }
  })().catch(() => {});
  return {
    port: (listener.addr as Deno.NetAddr).port,
    caFile: ca.paths.cert,
    accepted: () => conns.length,
    [Symbol.asyncDispose]: async () => {
      for (const conn of conns) {
        try {
          conn.close();
        } catch {
          // Already closed.
        }
      }
      listener.close();
      await accepting;
      await Deno.remove(dir, { recursive: true });
    },
  };
}
