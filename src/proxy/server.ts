/**
 * The proxy's listener on 127.0.0.1: the only module that accepts sockets.
 * Each connection must show the run's token; CONNECT to a routed host is
 * intercepted, any other CONNECT is a blind tunnel (or 403 under
 * `--deny-unmatched`), and a plain `http://` request is forwarded without
 * any credential.
 */

import { createServer, type Server, type Socket } from "node:net";
import { hostIsRouted } from "../providers/matcher.ts";
import { CA_PAGE_HOST } from "../tls/ca_page.ts";
import { parseAuthority } from "./authority.ts";
import { ByteSource, writeConn, writeSocket } from "./byte_source.ts";
import type { ProxyContext } from "./context.ts";
import { bodyFraming } from "./framing.ts";
import { getHeaders, removeHeaders, serializeHead, setHeader } from "./inject.ts";
import { intercept } from "./intercept.ts";
import { proxyAuthorized } from "./proxy_auth.ts";
import { readHead } from "./read_head.ts";
import type { RequestHead } from "./request_head.ts";
import { relay } from "./relay.ts";
import { CONNECT_OK, errorResponse, proxyAuthRequired } from "./responses.ts";
import { openTcp } from "./upstream.ts";

/** A running proxy. */
export interface RunningProxy extends AsyncDisposable {
  readonly port: number;
  close(): Promise<void>;
}

/** The client's credentials for this proxy, never passed on. */
const PROXY_HEADERS: ReadonlySet<string> = new Set(["proxy-authorization", "proxy-connection"]);

async function reply(socket: Socket, bytes: Uint8Array, close: boolean): Promise<void> {
  await writeSocket(socket, bytes).catch(() => {});
  if (close) socket.end();
}

async function tunnel(
  ctx: ProxyContext,
  socket: Socket,
  host: string,
  port: number,
  early: Uint8Array,
): Promise<void> {
  let upstream: Deno.TcpConn;
  try {
    upstream = await openTcp(host, port, ctx.upstream);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    ctx.emit({ kind: "upstream_error", host, message });
    return reply(socket, errorResponse(502, "authsome_upstream", message, { close: true }), true);
  }
  ctx.emit({ kind: "tunnel", host, port });
  await writeSocket(socket, CONNECT_OK);
  await relay(socket, upstream, early);
}

/** Forwards a plain-HTTP request in absolute form, never injected, then closes. */
async function forwardPlain(
  ctx: ProxyContext,
  socket: Socket,
  source: ByteSource,
  head: RequestHead,
): Promise<void> {
  const url = URL.parse(head.target);
  if (url?.protocol === "http:" && url.hostname === CA_PAGE_HOST && ctx.caPage) {
    return reply(socket, ctx.caPage(head.method, url.pathname), true);
  }
  const framing = bodyFraming(head);
  if (!url || url.protocol !== "http:" || framing.kind === "reject") {
    const why = framing.kind === "reject"
      ? framing.reason
      : "Only http:// URLs are forwarded in absolute form";
    return reply(socket, errorResponse(400, "authsome_bad_request", why, { close: true }), true);
  }
  let upstream: Deno.TcpConn;
  try {
    upstream = await openTcp(
      url.hostname.replace(/^\[|\]$/g, ""),
      Number(url.port || 80),
      ctx.upstream,
    );
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return reply(socket, errorResponse(502, "authsome_upstream", message, { close: true }), true);
  }
  let out = removeHeaders(head, PROXY_HEADERS);
  out = setHeader({ ...out, target: `${url.pathname}${url.search}` }, "connection", "close");
  if (getHeaders(out, "host").length === 0) out = setHeader(out, "host", url.host);
  await writeConn(upstream, serializeHead(out));
  await relay(socket, upstream, source.detach());
}

async function handle(ctx: ProxyContext, socket: Socket): Promise<void> {
  const source = new ByteSource(socket);
  for (;;) {
    const parsed = await readHead(source, ctx.headerTimeoutMs, ctx.headerTimeoutMs);
    if (parsed.kind === "end") return void socket.end();
    if (parsed.kind === "reject") {
      return reply(
        socket,
        errorResponse(parsed.status, "authsome_bad_request", parsed.reason, { close: true }),
        true,
      );
    }
    const head = parsed.head;
    if (!proxyAuthorized(getHeaders(head, "proxy-authorization"), ctx.token)) {
      // git sends CONNECT without credentials first and retries on the same connection after the challenge.
      const keep = head.method === "CONNECT" || bodyFraming(head).kind === "none";
      await reply(socket, proxyAuthRequired(!keep), !keep);
      if (keep) continue;
      return;
    }
    if (head.method !== "CONNECT") {
      if (head.form !== "absolute") {
        const message = "This is authsome's proxy: send requests through it, not to it";
        return reply(
          socket,
          errorResponse(400, "authsome_not_a_server", message, { close: true }),
          true,
        );
      }
      return forwardPlain(ctx, socket, source, head);
    }
    const target = parseAuthority(head.target);
    if (!target) {
      return reply(
        socket,
        errorResponse(400, "authsome_bad_request", "CONNECT needs host:port", { close: true }),
        true,
      );
    }
    const early = source.detach();
    if (hostIsRouted(ctx.routes, target.host, target.port)) {
      await writeSocket(socket, CONNECT_OK);
      return intercept(ctx, socket, target, early);
    }
    if (ctx.denyUnmatched) {
      ctx.emit({ kind: "denied", host: target.host, port: target.port });
      const message =
        `${target.host}:${target.port} matches no provider, and this run allows only providers' hosts`;
      return reply(socket, errorResponse(403, "authsome_denied", message, { close: true }), true);
    }
    return tunnel(ctx, socket, target.host, target.port, early);
  }
}

/** Starts the proxy on 127.0.0.1 on an ephemeral port. */
export async function startProxy(ctx: ProxyContext): Promise<RunningProxy> {
  const sockets = new Set<Socket>();
  const server: Server = createServer({ pauseOnConnect: true, noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.on("error", () => socket.destroy());
    socket.on("close", () => sockets.delete(socket));
    handle(ctx, socket).catch(() => socket.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  const close = async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return { port, close, [Symbol.asyncDispose]: close };
}
