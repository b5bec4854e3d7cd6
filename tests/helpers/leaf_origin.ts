/** A TLS origin on 127.0.0.1 that presents a leaf signed by an authsome CA, for trust-store and name-constraint tests. */

import type { AddressInfo } from "node:net";
import tls from "node:tls";
import { type Ca, caPaths, loadCa } from "../../src/tls/ca.ts";
import { issueLeaf, loadOrCreateLeafKey } from "../../src/tls/leaf.ts";

/** A running origin; it answers every request with `hello`. */
export interface LeafOrigin extends AsyncDisposable {
  readonly port: number;
  /** `HOST:PORT:127.0.0.1` for curl's --resolve. */
  readonly resolve: string;
  /** `https://HOST:PORT/`. */
  readonly url: string;
}

const RESPONSE = "HTTP/1.1 200 OK\r\ncontent-length: 6\r\nconnection: close\r\n\r\nhello\n";

/** Loads the CA of the authsome home `home` (it must exist). */
export async function homeCa(home: string): Promise<Ca> {
  const ca = await loadCa(caPaths(`${home}/ca`));
  if (!ca) throw new Error(`no CA in ${home}`);
  return ca;
}

/** Serves a leaf for `host` issued by `ca` (whether or not its constraints allow the host). */
export async function startLeafOrigin(ca: Ca, host: string): Promise<LeafOrigin> {
  const leafKey = await loadOrCreateLeafKey(ca.paths.dir);
  const cert = await issueLeaf(ca, host, leafKey, new Date());
  const key = leafKey.export({ type: "pkcs8", format: "pem" }) as string;
  const server = tls.createServer({ cert, key }, (socket) => {
    socket.on("error", () => {});
    socket.once("data", () => socket.end(RESPONSE));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const name = host.includes(":") ? `[${host}]` : host;
  return {
    port,
    resolve: `${host}:${port}:127.0.0.1`,
    url: `https://${name}:${port}/`,
    [Symbol.asyncDispose]: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
