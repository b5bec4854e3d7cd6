// deno-lint-ignore-file no-console
/**
 * The benchmark's relay-only floor: CONNECT, TLS terminated with node:tls,
 * `Deno.startTls` upstream, and a raw byte relay, with no HTTP parsing and no
 * injection (the load generator sends the header itself). It shows what the
 * TLS primitives authsome is built on cost on their own. Prints `{"port", "ca"}`.
 * Arguments: a folder for its CA, and the origin's CA file.
 */

import { createServer } from "node:net";
import { createSecureContext, TLSSocket } from "node:tls";
import { relay } from "../../src/proxy/relay.ts";
import { LeafCache } from "../../src/tls/leaf_cache.ts";

const [caDir, originCa] = Deno.args;
const leaves = await LeafCache.open(caDir);
const pair = await leaves.get("127.0.0.1");
const context = createSecureContext({ cert: pair.certPem, key: pair.keyPem });
const trusted = Deno.readTextFileSync(originCa);

const server = createServer({ noDelay: true }, (socket) => {
  socket.once("data", async (chunk: Uint8Array) => {
    const port = Number(/^CONNECT 127\.0\.0\.1:(\d+) /.exec(new TextDecoder().decode(chunk))?.[1]);
    if (!port) return socket.destroy();
    socket.write("HTTP/1.1 200 Connection established\r\n\r\n");
    socket.pause();
    const tls = new TLSSocket(socket, { isServer: true, secureContext: context });
    const upstream = await Deno.startTls(await Deno.connect({ hostname: "127.0.0.1", port }), {
      hostname: "127.0.0.1",
      caCerts: [trusted],
    });
    await relay(tls, upstream);
  });
});
server.listen(0, "127.0.0.1", () => {
  const address = server.address() as { port: number };
  console.log(JSON.stringify({ port: address.port, ca: `${caDir}/ca.pem` }));
});
