/**
 * One intercepted CONNECT: TLS terminated with the host's leaf certificate,
 * then request after request (keep-alive, pipelining) read, decided by the
 * pure core (decide.ts), and forwarded over one verified upstream TLS
 * connection, opened as soon as the CONNECT is accepted. The session only
 * reads, writes and keeps timers. Bodies and responses stream through as
 * bytes; an Upgrade becomes a raw relay only after the origin's 101.
 */

import type { Socket } from "node:net";
import { TLSSocket } from "node:tls";
import { errorText, isAuthsomeError } from "../errors.ts";
import { pathOnly } from "../providers/matcher.ts";
import type { Authority } from "./authority.ts";
import { ByteSource, writeConn, writeSocket } from "./byte_source.ts";
import { ChunkedScanner } from "./chunked.ts";
import type { ProxyContext } from "./context.ts";
import {
  afterResponse,
  gateRequest,
  type Lookup,
  planRequest,
  type Routed,
  routeRequest,
} from "./decide.ts";
import type { BodyFraming } from "./framing.ts";
import { getHeaders, serializeHead } from "./head_edit.ts";
import { secretForms } from "./mask.ts";
import type { PlaceholderFate } from "./placeholder.ts";
import { readHead } from "./read_head.ts";
import type { RequestHead } from "./request_head.ts";
import { CONNECT_OK, errorResponse } from "./responses.ts";
import { socketToUpstream, upstreamToSocket } from "./relay.ts";
import { ResponseScanner } from "./response_scanner.ts";
import { openTls } from "./upstream.ts";

interface Pending {
  readonly started: number;
  readonly method: string;
  path: string;
  provider: string | null;
  connection: string | null;
  injected: boolean;
  placeholders?: readonly PlaceholderFate[];
  /** The `--allow` rule that let the credential serve this request. */
  rule?: string;
  /** Told when the upstream answers 401 to the injected credential (the next request refreshes). */
  rejected?: () => void;
  /** Told the response's status (0 when upstream ended first); set only for an Upgrade request. */
  settle?: (status: number) => void;
  bytesUp: number;
}

/** The upstream connection, or why there is none. */
type Upstream =
  | { readonly kind: "ok"; readonly conn: Deno.TlsConn }
  | { readonly kind: "error"; readonly message: string };

function connectUpstream(ctx: ProxyContext, target: Authority): Promise<Upstream> {
  return openTls(target.host, target.port, ctx.upstream).then(
    (conn): Upstream => ({ kind: "ok", conn }),
    (error): Upstream => ({
      kind: "error",
      message: error instanceof Error ? error.message : String(error),
    }),
  );
}

function closeQuietly(conn: Deno.Conn | undefined): void {
  try {
    conn?.close();
  } catch {
    // Already closed.
  }
}

/** Serves an intercepted CONNECT on `socket`; `early` holds bytes the client sent after CONNECT. */
export async function intercept(
  ctx: ProxyContext,
  socket: Socket,
  target: Authority,
  early: Uint8Array,
): Promise<void> {
  // In parallel with the certificate and the child's handshake; a failure is the first request's 502.
  const upstream = connectUpstream(ctx, target);
  let secure;
  try {
    secure = await ctx.leaf(target.host);
  } catch (error) {
    upstream.then((u) => closeQuietly(u.kind === "ok" ? u.conn : undefined));
    // The tunnel is not confirmed yet: the child reads a 502 instead of a failed handshake.
    const message = errorText(error);
    ctx.emit({ kind: "certificate_error", host: target.host, message });
    await writeSocket(socket, errorResponse(502, "authsome_certificate", message, { close: true }))
      .catch(() => {});
    socket.end();
    return;
  }
  await writeSocket(socket, CONNECT_OK);
  if (early.length > 0) socket.unshift(early);
  const tls = new TLSSocket(socket, {
    isServer: true,
    secureContext: secure,
    ALPNProtocols: ["http/1.1"],
  });
  tls.on("error", () => tls.destroy());
  await new Session(ctx, tls, socket, target, upstream).serve();
}

class Session {
  readonly #ctx: ProxyContext;
  readonly #tls: TLSSocket;
  /** The child's TCP socket under the TLS socket: what pausing must stop. */
  readonly #raw: Socket;
  readonly #source: ByteSource;
  readonly #target: Authority;
  readonly #pending: Pending[] = [];
  readonly #connecting: Promise<Upstream>;
  #upstream: Deno.TlsConn | undefined;
  #responses: Promise<void> | undefined;
  readonly #scanner: ResponseScanner;
  readonly #masked = new Set<string>();
  /** Told when the last forwarded request has had its response. */
  #answered: (() => void) | undefined;
  #warned = false;

  constructor(
    ctx: ProxyContext,
    tls: TLSSocket,
    raw: Socket,
    target: Authority,
    upstream: Promise<Upstream>,
  ) {
    this.#ctx = ctx;
    this.#tls = tls;
    this.#target = target;
    this.#connecting = upstream;
    this.#raw = raw;
    this.#source = new ByteSource(tls, raw);
    this.#scanner = new ResponseScanner((response) => {
      const pending = this.#pending.shift();
      if (!pending) return;
      if (pending.rejected && response.status === 401) pending.rejected();
      pending.settle?.(response.status);
      this.#record(pending, response.status, response.bytes);
      if (this.#pending.length === 0) this.#wakeAnswered();
    });
  }

  #wakeAnswered(): void {
    const wake = this.#answered;
    this.#answered = undefined;
    wake?.();
  }

  /** Resolves once every forwarded request has had its response, or upstream ended. */
  #allAnswered(): Promise<void> {
    if (this.#pending.length === 0 || !this.#responses) return Promise.resolve();
    return new Promise((resolve) => this.#answered = resolve);
  }

  #record(pending: Pending, status: number, bytesDown: number, error?: string): void {
    const placeholders = pending.placeholders?.length
      ? Object.fromEntries(
        pending.placeholders.map((p) => [p.where === "query" ? `?${p.name}` : p.name, p.fate]),
      )
      : undefined;
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
        ...(placeholders ? { placeholders } : {}),
        ...(pending.rule ? { policy: pending.rule } : {}),
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
    // After the responses to requests already forwarded, so a pipelined answer keeps its place.
    await this.#allAnswered();
    await writeSocket(this.#tls, bytes).catch(() => {});
    this.#tls.end();
    this.#upstream?.closeWrite().catch(() => {});
  }

  async serve(): Promise<void> {
    try {
      while (await this.#next());
    } finally {
      if (this.#responses) await this.#responses;
      else {
        this.#tls.end();
        this.#connecting.then((u) => closeQuietly(u.kind === "ok" ? u.conn : undefined));
      }
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
    const pending: Pending = {
      started: Date.now(),
      method: parsed.head.method,
      path: pathOnly(parsed.head.target),
      provider: null,
      connection: null,
      injected: false,
      bytesUp: 0,
    };
    const routed = routeRequest(parsed.head, this.#target, this.#ctx.routes);
    let head: RequestHead | undefined;
    switch (routed.kind) {
      case "answer":
        await this.#answer(pending, routed.status, routed.code, routed.message);
        return false;
      case "pass":
        if (routed.ambiguous && !this.#warned) {
          this.#warned = true;
          const providers = routed.ambiguous;
          this.#ctx.emit({ kind: "ambiguous", host: this.#target.host, providers });
        }
        head = routed.head;
        pending.placeholders = routed.placeholders;
        break;
      case "credential":
        head = await this.#inject(routed, pending);
        if (head === undefined) return false;
        break;
      default: {
        const never: never = routed;
        return never;
      }
    }
    pending.path = pathOnly(routed.head.target);
    const upgrade = getHeaders(head, "upgrade").length > 0;
    const switched = upgrade
      ? new Promise<number>((resolve) => pending.settle = resolve)
      : undefined;
    if (!(await this.#forward(head, pending))) return false;
    if (!(await this.#relayBody(routed.framing, pending))) return false;
    if (switched && afterResponse(head, await switched) === "relay") {
      await socketToUpstream(this.#tls, this.#upstream!, this.#source.detach(), this.#raw);
      return false;
    }
    return true;
  }

  /** The head with its credential; undefined when the proxy answered itself. */
  async #inject(
    routed: Extract<Routed, { kind: "credential" }>,
    pending: Pending,
  ): Promise<RequestHead | undefined> {
    const provider = routed.route.provider;
    pending.provider = provider;
    const served = this.#ctx.served.get(provider) ?? 0;
    const gate = gateRequest(routed, this.#ctx.policy, served);
    if (gate.kind === "answer") {
      await this.#answer(pending, gate.status, gate.code, gate.message);
      return undefined;
    }
    // Counted before the lookup awaits, so concurrent requests cannot all pass the last place.
    this.#ctx.served.set(provider, served + 1);
    pending.rule = gate.rule;
    let lookup: Lookup;
    try {
      const resolved = await this.#ctx.credentials.credentials(
        provider,
        routed.requested,
        routed.route,
      );
      lookup = { kind: "ok", resolved };
    } catch (error) {
      if (!isAuthsomeError(error)) throw error;
      lookup = { kind: "error", code: error.code, message: error.message, hint: error.hint };
    }
    const plan = planRequest(routed, lookup);
    if (plan.kind === "answer") {
      this.#ctx.served.set(provider, (this.#ctx.served.get(provider) ?? 1) - 1);
      await this.#answer(pending, plan.status, plan.code, plan.message);
      return undefined;
    }
    if (lookup.kind === "ok") {
      pending.rejected = lookup.resolved.onRejected;
      this.#mask(lookup.resolved.credentials);
      if (plan.placeholders.length > 0) this.#mask(lookup.resolved.accepted ?? []);
    }
    pending.connection = plan.connection;
    pending.injected = true;
    pending.placeholders = plan.placeholders;
    return plan.head;
  }

  /** Masks the values injected on this connection in every response from now on. */
  #mask(credentials: readonly { readonly value: { reveal(): string } }[]): void {
    for (const credential of credentials) {
      const value = credential.value.reveal();
      if (this.#masked.has(value)) continue;
      this.#masked.add(value);
      this.#scanner.mask(secretForms(value));
    }
  }

  /** Sends the head upstream, on the connection opened at CONNECT; false when upstream failed. */
  async #forward(head: RequestHead, pending: Pending): Promise<boolean> {
    if (!this.#upstream) {
      const upstream = await this.#connecting;
      if (upstream.kind === "error") {
        const { message } = upstream;
        this.#ctx.emit({ kind: "upstream_error", host: this.#target.host, message });
        await this.#answer(pending, 502, "authsome_upstream", message);
        return false;
      }
      const conn = upstream.conn;
      this.#upstream = conn;
      this.#responses = upstreamToSocket(conn, this.#tls, this.#scanner).finally(() => {
        for (const waiting of this.#pending) waiting.settle?.(0);
        this.#wakeAnswered();
        closeQuietly(conn);
      });
    }
    this.#pending.push(pending);
    this.#scanner.expect(head.method);
    try {
      await writeConn(this.#upstream, serializeHead(head));
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
    closeQuietly(this.#upstream);
    this.#tls.end();
  }

  /** Relays the request body byte for byte; false when the connection must end. */
  async #relayBody(framing: BodyFraming, pending: Pending): Promise<boolean> {
    const upstream = this.#upstream!;
    if (framing.kind !== "length" && framing.kind !== "chunked") return true;
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
