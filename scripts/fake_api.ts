/**
 * A fake HTTPS API on 127.0.0.1 for the demo and the end-to-end tests: a certificate for the
 * real provider host names signed by a test CA of its own (the proxy reaches
 * it through --connect-to and trusts it through --upstream-ca), and endpoints
 * that echo what arrived, redirect keeping the query, stream, compress and upgrade.
 */

import { loadOrCreateCa } from "../src/tls/ca.ts";
import { issueLeaf, loadOrCreateLeafKey } from "../src/tls/leaf.ts";
import { encodeHex } from "../src/encoding.ts";

/** The demo's user provider: api.demo.test, with a Bearer header (the demo and the docs' sandbox). */
export const DEMO_PROVIDER = {
  name: "demo",
  display_name: "Demo API",
  auth_type: "api_key",
  api_url: "api.demo.test",
  injection: { type: "header", name: "Authorization", prefix: "Bearer " },
  placeholders: ["DEMO_API_KEY"],
  export: { DEMO_API_KEY: "api_key" },
  docs_url: "https://example.com/demo",
} as const;

/** The made-up key the demo logs `demo` in with. */
export const DEMO_KEY = "demo-sk-7f3a9c1e5b2d4f6a8c0e";

/** One request as the origin saw it. */
export interface Seen {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly headers: Record<string, string>;
  readonly bodyLength: number;
  readonly bodySha256: string;
}

/** A running origin. */
export interface Origin extends AsyncDisposable {
  readonly port: number;
  /** PEM of the CA that signed the origin's certificate. */
  readonly caFile: string;
  readonly seen: Seen[];
  /** `--connect-to HOST:443:127.0.0.1:PORT` for each host. */
  connectTo(...hosts: string[]): string[];
}

async function sha256(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return encodeHex(new Uint8Array(digest));
}

/** Deterministic bytes for size tests. */
export function pattern(size: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = (i * 31 + 7) & 0xff;
  return out;
}

/** Starts an origin serving certificates for `hosts`. */
export async function startOrigin(hosts: readonly string[] = ["api.openai.com"]): Promise<Origin> {
  const dir = await Deno.makeTempDir({ prefix: "authsome-origin-" });
  const ca = await loadOrCreateCa(dir, { owner: "test-origin" });
  const key = await loadOrCreateLeafKey(dir);
  const keyPem = key.export({ type: "pkcs8", format: "pem" }) as string;
  const certs = await Promise.all(hosts.map((host) => issueLeaf(ca, host, key, new Date())));
  const seen: Seen[] = [];
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    cert: certs.join("\n"),
    key: keyPem,
    onListen: () => {},
  }, async (request) => {
    const url = new URL(request.url);
    if (url.pathname === "/ws") {
      const auth = request.headers.get("authorization") ?? "";
      seen.push({
        method: request.method,
        path: url.pathname,
        query: url.search,
        headers: Object.fromEntries(request.headers),
        bodyLength: 0,
        bodySha256: await sha256(new Uint8Array(0)),
      });
      const { socket, response } = Deno.upgradeWebSocket(request);
      socket.onopen = () => socket.send(JSON.stringify({ authorization: auth }));
      socket.onmessage = (event) => socket.send(`echo:${event.data}`);
      return response;
    }
    const body = new Uint8Array(await request.arrayBuffer());
    const entry: Seen = {
      method: request.method,
      path: url.pathname,
      query: url.search,
      headers: Object.fromEntries(request.headers),
      bodyLength: body.length,
      bodySha256: await sha256(body),
    };
    seen.push(entry);
    if (url.pathname.startsWith("/bytes/")) {
      return new Response(pattern(Number(url.pathname.slice(7))));
    }
    if (url.pathname === "/gzip") {
      const gz = new Response(
        new Blob([pattern(100_000)]).stream().pipeThrough(new CompressionStream("gzip")),
      );
      return new Response(await gz.arrayBuffer(), {
        headers: { "content-encoding": "gzip", "content-type": "application/octet-stream" },
      });
    }
    if (url.pathname === "/sse") {
      const count = Number(url.searchParams.get("n") ?? 3);
      const gap = Number(url.searchParams.get("gap") ?? 300);
      const stream = new ReadableStream<Uint8Array>({
        async start(controller) {
          for (let i = 0; i < count; i++) {
            controller.enqueue(
              new TextEncoder().encode(`data: ${JSON.stringify({ i, t: Date.now() })}\n\n`),
            );
            await new Promise((r) => setTimeout(r, gap));
          }
          controller.close();
        },
      });
      return new Response(stream, {
        headers: { "content-type": "text/event-stream", "cache-control": "no-cache" },
      });
    }
    if (url.pathname === "/redirect") {
      return new Response(null, { status: 302, headers: { location: `/next${url.search}` } });
    }
    if (url.pathname.startsWith("/status/")) {
      return Response.json(entry, { status: Number(url.pathname.slice(8)) });
    }
    return Response.json(entry);
  });
  const caFile = `${dir}/ca.pem`;
  const port = server.addr.port;
  return {
    port,
    caFile,
    seen,
    connectTo: (...names) =>
      names.flatMap((host) => ["--connect-to", `${host}:443:127.0.0.1:${port}`]),
    [Symbol.asyncDispose]: async () => {
      await server.shutdown();
      await Deno.remove(dir, { recursive: true });
    },
  };
}
