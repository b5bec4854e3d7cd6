// deno-lint-ignore-file no-console
/**
 * The benchmark's origin: HTTPS on 127.0.0.1 with a certificate for
 * 127.0.0.1 from a CA of its own. Every request must carry the injected
 * `Authorization: Bearer bench-key`; one that does not gets 401, which the
 * load generator counts as an error. Prints `{"port", "ca"}` when ready.
 *
 * Endpoints: /small (a small JSON body), /bytes/N, /upload (reads the body,
 * answers its size), /sse?n=N&gap=MS (events stamped with the send time).
 */

import { loadOrCreateCa } from "../../src/tls/ca.ts";
import { issueLeaf, loadOrCreateLeafKey } from "../../src/tls/leaf.ts";

const EXPECTED = "Bearer bench-key";
const dir = Deno.args[0] ?? await Deno.makeTempDir({ prefix: "authsome-bench-origin-" });
const ca = await loadOrCreateCa(dir, { owner: "bench-origin" });
const key = await loadOrCreateLeafKey(dir);
const cert = await issueLeaf(ca, "127.0.0.1", key, new Date());
const small = new TextEncoder().encode(
  JSON.stringify({ id: "bench", object: "model", owned_by: "authsome" }),
);
const megabyte = new Uint8Array(1024 * 1024).map((_, i) => i & 0xff);

const server = Deno.serve({
  hostname: "127.0.0.1",
  port: 0,
  cert,
  key: key.export({ type: "pkcs8", format: "pem" }) as string,
  onListen: ({ port }) => console.log(JSON.stringify({ port, ca: `${dir}/ca.pem` })),
}, async (request) => {
  if (request.headers.get("authorization") !== EXPECTED) {
    return new Response("missing credential", { status: 401 });
  }
  const url = new URL(request.url);
  if (url.pathname === "/small") {
    return new Response(small, { headers: { "content-type": "application/json" } });
  }
  if (url.pathname === "/upload") {
    let size = 0;
    for await (const chunk of request.body ?? []) size += chunk.length;
    return Response.json({ size });
  }
  if (url.pathname.startsWith("/bytes/")) {
    const n = Number(url.pathname.slice(7));
    return new Response(n === megabyte.length ? megabyte : new Uint8Array(n));
  }
  if (url.pathname === "/sse") {
    const n = Number(url.searchParams.get("n") ?? 10);
    const gap = Number(url.searchParams.get("gap") ?? 20);
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        for (let i = 0; i < n; i++) {
          await new Promise((r) => setTimeout(r, gap));
          controller.enqueue(
            new TextEncoder().encode(`data: ${performance.timeOrigin + performance.now()}\n\n`),
          );
        }
        controller.close();
      },
    });
    return new Response(body, { headers: { "content-type": "text/event-stream" } });
  }
  return new Response("not found", { status: 404 });
});
Deno.addSignalListener("SIGTERM", () => server.shutdown().then(() => Deno.exit(0)));
