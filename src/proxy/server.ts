/**
 * The proxy's listener on 127.0.0.1: the only module that accepts sockets.
 * Each connection must show the run's token; CONNECT to a routed host is
 * intercepted, any other CONNECT is a blind tunnel, and a plain `http://`
 * request is forwarded without any credential (under `--deny-unmatched`
 * both only to providers' hosts). What each request gets is decided in
 * decide.ts; this module only acts on it.
 */

import { createServer, type Server, type Socket } from "node:net";
import { CA_PAGE_HOST } from "../tls/ca_page.ts";
import type { Authority } from "./authority.ts";
import { ByteSource, writeConn, writeSocket } from "./byte_source.ts";
import type { ProxyContext } from "./context.ts";
import { decideConnect } from "./decide.ts";
import { getHeaders, serializeHead } from "./head_edit.ts";
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

/** Forwards a plain-HTTP request, never injected, then closes. */
async function forwardPlain(
  ctx: ProxyContext,
  socket: Socket,
  source: ByteSource,
  target: Authority,
  head: RequestHead,
): Promise<void> {
  let upstream: Deno.TcpConn;
  try {
    upstream = await openTcp(target.host, target.port, ctx.upstream);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return reply(socket, errorResponse(502, "authsome_upstream", message, { close: true }), true);
  }
  await writeConn(upstream, serializeHead(head));
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
    const decision = decideConnect(head, {
      authorized: proxyAuthorized(getHeaders(head, "proxy-authorization"), ctx.token),
      routes: ctx.routes,
      denyUnmatched: ctx.denyUnmatched,
      caPageHost: ctx.caPage ? CA_PAGE_HOST : undefined,
    });
    switch (decision.kind) {
      case "challenge":
        await reply(socket, proxyAuthRequired(!decision.keepAlive), !decision.keepAlive);
        if (decision.keepAlive) continue;
        return;
      case "answer": {
        if (decision.denied) {
          ctx.emit({ kind: "denied", ...decision.denied, plain: head.method !== "CONNECT" });
        }
        const bytes = errorResponse(decision.status, decision.code, decision.message, {
          close: true,
        });
        return reply(socket, bytes, true);
      }
      case "ca_page":
        return reply(socket, ctx.caPage!(head.method, decision.path), true);
      case "plain":
        return forwardPlain(ctx, socket, source, decision.target, decision.head);
      case "intercept":
        // intercept() confirms the tunnel once it has a certificate for the host.
        return intercept(ctx, socket, decision.target, source.detach());
      case "tunnel":
        return tunnel(ctx, socket, decision.target.host, decision.target.port, source.detach());
      default: {
        const never: never = decision;
        return never;
      }
    }
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
