/**
 * One intercepted CONNECT: TLS terminated with the host's leaf certificate,
 * then request after request (keep-alive, pipelining) parsed strictly,
 * checked against the CONNECT target, given its credential, and forwarded
 * over one verified upstream TLS connection. Bodies and responses stream
 * through as bytes; an Upgrade turns the connection into a raw relay.
 */

import type { Socket } from "node:net";
import { TLSSocket } from "node:tls";
import { createSecureContext, type SecureContext } from "node:tls";
import { isAuthsomeError } from "../errors.ts";
import { matchRoute, pathOnly } from "../providers/matcher.ts";
import { setQueryParam } from "../auth/injection.ts";
import { type Authority, sameAuthority } from "./authority.ts";
import { ByteSource, writeConn, writeSocket } from "./byte_source.ts";
import { ChunkedScanner } from "./chunked.ts";
import type { ProxyContext } from "./context.ts";
import { bodyFraming } from "./framing.ts";
import { getHeaders, removeHeaders, serializeHead, setHeader } from "./inject.ts";
import { readHead } from "./read_head.ts";
import type { RequestHead } from "./request_head.ts";
import { errorResponse } from "./responses.ts";
import { socketToUpstream, upstreamToSocket } from "./relay.ts";
import { ResponseScanner } from "./response_scanner.ts";
import { openTls } from "./upstream.ts";

const contexts = new Map<string, Promise<SecureContext>>();
/** Headers never forwarded: the connection selector, and proxy credentials a client sent inside the tunnel. */
const HOP_HEADERS: ReadonlySet<string> = new Set([
  "x-authsome-connection",
  "proxy-authorization",
  "proxy-connection",
]);

function secureContext(ctx: ProxyContext, host: string): Promise<SecureContext> {
  let context = contexts.get(host);
  if (!context) {
    context = ctx.leaf(host).then((pair) =>
      createSecureContext({ cert: pair.certPem, key: pair.keyPem })
    );
    context.catch(() => contexts.delete(host));
    contexts.set(host, context);
  }
  return context;
}

interface Pending {
  readonly started: number;
  readonly method: string;
  readonly path: string;
  readonly provider: string | null;
  readonly connection: string | null;
  readonly injected: boolean;
  /** Told when the upstream answers 401 to the injected credential (the next request refreshes). */
  readonly rejected?: () => void;
  bytesUp: number;
}

/** Serves an intercepted CONNECT on `socket`; `early` holds bytes the client sent after CONNECT. */
export async function intercept(
  ctx: ProxyContext,
  socket: Socket,
  target: Authority,
  early: Uint8Array,
): Promise<void> {
  const secure = await secureContext(ctx, target.host);
  if (early.length > 0) socket.unshift(early);
  const tls = new TLSSocket(socket, {
    isServer: true,
    secureContext: secure,
    ALPNProtocols: ["http/1.1"],
  });
  tls.on("error", () => tls.destroy());
  await new Session(ctx, tls, target).serve();
}

class Session {
  readonly #ctx: ProxyContext;
  readonly #tls: TLSSocket;
  readonly #source: ByteSource;
  readonly #target: Authority;
  readonly #pending: Pending[] = [];
  #upstream: Deno.TlsConn | undefined;
  #responses: Promise<void> | undefined;
  #scanner: ResponseScanner;
  readonly #warned = new Set<string>();

  constructor(ctx: ProxyContext, tls: TLSSocket, target: Authority) {
    this.#ctx = ctx;
    this.#tls = tls;
    this.#target = target;
    this.#source = new ByteSource(tls);
    this.#scanner = new ResponseScanner((response) => {
      const pending = this.#pending.shift();
      if (pending?.rejected && response.status === 401) pending.rejected();
      if (pending) this.#record(pending, response.status, response.bytes);
    });
  }

  #record(pending: Pending, status: number, bytesDown: number, error?: string): void {
    this.#ctx.emit({
      kind: "request",
      entry: {
        time: new Date(pending.started).toISOString(),
        run: this.#ctx.runId,
        provider: pending.provider,
        connection: pending.connection,
        method: pending.method,
        host: this.#target.host,
        path: pending.path,
        status,
        bytes_up: pending.bytesUp,
        bytes_down: bytesDown,
        duration_ms: Date.now() - pending.started,
        injected: pending.injected,
        ...(error ? { error } : {}),
      },
    });
  }

  async #answer(
    pending: Pending | undefined,
    status: number,
    error: string,
    message: string,
  ): Promise<void> {
    const bytes = errorResponse(status, error, message, { close: true });
    if (pending) this.#record(pending, status, bytes.length, error);
    await writeSocket(this.#tls, bytes).catch(() => {});
    this.#tls.end();
  }

  async serve(): Promise<void> {
    try {
      while (await this.#next());
    } finally {
      if (this.#responses) await this.#responses;
      else this.#tls.end();
    }
  }

  /** Handles one request; false when the connection is done. */
  async #next(): Promise<boolean> {
    const idle = this.#pending.length === 0 ? this.#ctx.idleTimeoutMs : this.#ctx.headerTimeoutMs;
    const parsed = await readHead(this.#source, idle, this.#ctx.headerTimeoutMs);
    if (parsed.kind === "end") {
      this.#upstream?.closeWrite().catch(() => {});
      return false;
    }
    if (parsed.kind === "reject") {
      await this.#answer(undefined, parsed.status, "authsome_bad_request", parsed.reason);
      return false;
    }
    let head = parsed.head;
    const pending: Pending = {
      started: Date.now(),
      method: head.method,
      path: pathOnly(head.target),
      provider: null,
      connection: null,
      injected: false,
      bytesUp: 0,
    };
    const framing = bodyFraming(head);
    if (framing.kind === "reject") {
      await this.#answer(pending, framing.status, "authsome_bad_request", framing.reason);
      return false;
    }
    const hosts = getHeaders(head, "host");
    if (hosts.length !== 1 || !sameAuthority(hosts[0], this.#target)) {
      const named = hosts.length === 1 ? `"${hosts[0]}"` : `${hosts.length} Host headers`;
      await this.#answer(
        pending,
        421,
        "authsome_misdirected",
        `Host ${named} does not match the tunnel to ${this.#target.host}`,
      );
      return false;
    }
    const injected = await this.#inject(head, pending);
    if (injected === undefined) return false;
    head = injected;
    if (!(await this.#forward(head, pending))) return false;
    const upgrade = getHeaders(head, "upgrade").length > 0;
    if (!(await this.#relayBody(framing, pending))) return false;
    if (upgrade) {
      await socketToUpstream(this.#tls, this.#upstream!, this.#source.detach());
      return false;
    }
    return true;
  }

  /** The head with its credential; undefined when the proxy answered itself. */
  async #inject(head: RequestHead, pending: Pending): Promise<RequestHead | undefined> {
    const requested = getHeaders(head, "x-authsome-connection")[0];
    let out = removeHeaders(head, HOP_HEADERS);
    const match = matchRoute(this.#ctx.routes, this.#target.host, this.#target.port, head.target);
    if (match.kind === "ambiguous") {
      if (!this.#warned.has(this.#target.host)) {
        this.#warned.add(this.#target.host);
        this.#ctx.emit({ kind: "ambiguous", host: this.#target.host, providers: match.providers });
      }
      return out;
    }
    if (match.kind === "none") return out;
    const provider = match.route.provider;
    try {
      const resolved = await this.#ctx.credentials.credentials(
        provider,
        requested,
        match.route,
      );
      for (const credential of resolved.credentials) {
        out = credential.kind === "header"
          ? setHeader(out, credential.name, credential.value.reveal())
          : {
            ...out,
            target: setQueryParam(out.target, credential.name, credential.value.reveal()),
          };
      }
      Object.assign(pending, {
        provider,
        connection: resolved.connection,
        injected: true,
        rejected: resolved.onRejected,
      });
      return out;
    } catch (error) {
      if (!isAuthsomeError(error)) throw error;
      Object.assign(pending, { provider });
      const [status, code] = error.code === "not_found"
        ? [400, "authsome_connection_not_found"]
        : error.code === "not_approved"
        ? [403, "authsome_route_not_approved"]
        : error.code === "network"
        ? [502, "authsome_refresh_failed"]
        : [401, "authsome_reauth_required"];
      await this.#answer(
        pending,
        status,
        code,
        `${error.message}${error.hint ? `. ${error.hint}` : ""}`,
      );
      return undefined;
    }
  }

  /** Sends the head upstream, connecting first if needed; false when upstream failed. */
  async #forward(head: RequestHead, pending: Pending): Promise<boolean> {
    if (!this.#upstream) {
      try {
        this.#upstream = await openTls(this.#target.host, this.#target.port, this.#ctx.upstream);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        this.#ctx.emit({ kind: "upstream_error", host: this.#target.host, message });
        await this.#answer(pending, 502, "authsome_upstream", message);
        return false;
      }
      this.#responses = upstreamToSocket(
        this.#upstream,
        this.#tls,
        (chunk) => this.#scanner.push(chunk),
      )
        .finally(() => {
          this.#scanner.end();
          try {
            this.#upstream?.close();
          } catch {
            // Already closed.
          }
        });
    }
    this.#pending.push(pending);
    this.#scanner.expect(head.method);
    const bytes = serializeHead(head);
    try {
      await writeConn(this.#upstream, bytes);
    } catch {
      return false;
    }
    return true;
  }

  /**
   * A body turned out malformed after its head went upstream: answer 400,
   * then drop the upstream connection so it never sees another byte.
   */
  async #abort(pending: Pending, reason: string): Promise<void> {
    const bytes = errorResponse(400, "authsome_bad_request", reason, { close: true });
    this.#record(pending, 400, bytes.length, "authsome_bad_request");
    await writeSocket(this.#tls, bytes).catch(() => {});
    try {
      this.#upstream?.close();
    } catch {
      // Already closed.
    }
    this.#tls.end();
  }

  /** Relays the request body byte for byte; false when the connection must end. */
  async #relayBody(framing: ReturnType<typeof bodyFraming>, pending: Pending): Promise<boolean> {
    const upstream = this.#upstream!;
    if (framing.kind === "none" || framing.kind === "reject") return true;
    const scanner = framing.kind === "chunked" ? new ChunkedScanner() : undefined;
    let remaining = framing.kind === "length" ? framing.length : Infinity;
    while (scanner ? !scanner.done : remaining > 0) {
      const chunk = await this.#source.read();
      if (chunk === null) return false;
      let take: number;
      if (scanner) {
        const step = scanner.push(chunk);
        if (step.kind === "reject") {
          await this.#abort(pending, step.reason);
          return false;
        }
        take = step.consumed;
      } else {
        take = Math.min(remaining, chunk.length);
        remaining -= take;
      }
      if (take < chunk.length) this.#source.unread(chunk.subarray(take));
      pending.bytesUp += take;
      try {
        await writeConn(upstream, chunk.subarray(0, take));
      } catch {
        return false;
      }
    }
    return true;
  }
}
