/**
 * The proxy's decisions as pure functions (sans-io, as mitmproxy's layers):
 * what a request to the listener gets ({@linkcode decideConnect}), which
 * route a request inside an intercepted tunnel takes ({@linkcode routeRequest}),
 * and what is sent for it once its credential lookup ended
 * ({@linkcode planRequest}). The session only reads, writes and keeps timers;
 * a new attack is a new row in decide_test.ts.
 */

import type { Resolved } from "../auth/credentials.ts";
import { decidePolicy, type Policy } from "../policy/mod.ts";
import type { ErrorCode } from "../errors.ts";
import {
  hostIsRouted,
  type Match,
  matchRoute,
  pathOnly,
  type Route,
} from "../providers/matcher.ts";
import { type Authority, parseAuthority, sameAuthority } from "./authority.ts";
import { pathReadings } from "./canonical.ts";
import { type BodyFraming, bodyFraming } from "./framing.ts";
import { getHeaders, removeHeaders, setHeader } from "./head_edit.ts";
import { type PlaceholderFate, scrubPlaceholders } from "./placeholder.ts";
import type { RequestHead } from "./request_head.ts";
import { type Placement, setQueryParam } from "../auth/injection.ts";

/** The proxy answers itself: status, error code, message. */
export interface Answer {
  readonly kind: "answer";
  readonly status: number;
  readonly code: string;
  readonly message: string;
}

/** What a request to the proxy's listener gets. */
export type ConnectDecision =
  /** 407; `keepAlive` when no body follows, so the client can retry on this connection. */
  | { readonly kind: "challenge"; readonly keepAlive: boolean }
  | Answer & { readonly denied?: Authority }
  | { readonly kind: "intercept"; readonly target: Authority }
  | { readonly kind: "tunnel"; readonly target: Authority }
  /** A plain `http://` request: `head` in origin form, for `target`. */
  | { readonly kind: "plain"; readonly target: Authority; readonly head: RequestHead }
  | { readonly kind: "ca_page"; readonly path: string };

/** What {@linkcode decideConnect} needs besides the head. */
export interface ListenerFacts {
  readonly authorized: boolean;
  readonly routes: readonly Route[];
  readonly denyUnmatched: boolean;
  /** The host of the CA page, when the run serves one. */
  readonly caPageHost?: string;
}

/** Headers never forwarded: the connection selector, and proxy credentials a client sent. */
const HOP_HEADERS: ReadonlySet<string> = new Set([
  "x-authsome-connection",
  "proxy-authorization",
  "proxy-connection",
]);
const PROXY_HEADERS: ReadonlySet<string> = new Set(["proxy-authorization", "proxy-connection"]);
const NO_CREDENTIALS: readonly Placement[] = [];

function answer(status: number, code: string, message: string): Answer {
  return { kind: "answer", status, code, message };
}

function denied(target: Authority): Answer & { readonly denied: Authority } {
  return {
    ...answer(
      403,
      "authsome_denied",
      `${target.host}:${target.port} matches no provider, and this run allows only providers' hosts`,
    ),
    denied: target,
  };
}

/** Decides what a request to the listener gets: a CONNECT, or a plain request in absolute form. */
export function decideConnect(head: RequestHead, facts: ListenerFacts): ConnectDecision {
  if (!facts.authorized) {
    // git sends CONNECT without credentials first and retries on the same connection.
    return {
      kind: "challenge",
      keepAlive: head.method === "CONNECT" || bodyFraming(head).kind === "none",
    };
  }
  if (head.method !== "CONNECT") return decidePlain(head, facts);
  const target = parseAuthority(head.target);
  if (!target) return answer(400, "authsome_bad_request", "CONNECT needs host:port");
  if (hostIsRouted(facts.routes, target.host, target.port)) return { kind: "intercept", target };
  if (facts.denyUnmatched) return denied(target);
  return { kind: "tunnel", target };
}

function decidePlain(head: RequestHead, facts: ListenerFacts): ConnectDecision {
  if (head.form !== "absolute") {
    const message = "This is authsome's proxy: send requests through it, not to it";
    return answer(400, "authsome_not_a_server", message);
  }
  const url = URL.parse(head.target);
  if (url?.protocol === "http:" && facts.caPageHost && url.hostname === facts.caPageHost) {
    return { kind: "ca_page", path: url.pathname };
  }
  if (!url || url.protocol !== "http:") {
    return answer(400, "authsome_bad_request", "Only http:// URLs are forwarded in absolute form");
  }
  const framing = bodyFraming(head);
  if (framing.kind === "reject") {
    return answer(framing.status, "authsome_bad_request", framing.reason);
  }
  const target = { host: url.hostname.replace(/^\[|\]$/g, ""), port: Number(url.port || 80) };
  if (facts.denyUnmatched && !hostIsRouted(facts.routes, target.host, target.port)) {
    return denied(target);
  }
  let out = removeHeaders(head, PROXY_HEADERS);
  out = setHeader({ ...out, target: `${url.pathname}${url.search}` }, "connection", "close");
  if (getHeaders(out, "host").length === 0) out = setHeader(out, "host", url.host);
  return { kind: "plain", target, head: out };
}

/** A request inside an intercepted tunnel, checked and routed; its credential still to look up. */
export type Routed =
  | Answer
  | {
    /**
     * Forwarded without a credential, any placeholder removed; `ambiguous`
     * names two providers that both matched.
     */
    readonly kind: "pass";
    readonly head: RequestHead;
    readonly framing: BodyFraming;
    readonly placeholders: readonly PlaceholderFate[];
    readonly ambiguous?: readonly [string, string];
  }
  | {
    readonly kind: "credential";
    readonly head: RequestHead;
    readonly framing: BodyFraming;
    readonly route: Route;
    /** The request's `X-Authsome-Connection`, if any. */
    readonly requested?: string;
  };

function sameMatch(a: Match, b: Match): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === "inject" && b.kind === "inject") return a.route === b.route;
  return true;
}

/**
 * Checks a request inside the tunnel to `tunnel` and finds its route: Host
 * and absolute-form authority must be the tunnel's (RFC 9112 §3.2.2, 421
 * otherwise), and the route is matched on the canonical path, refusing a
 * path whose dot segments would change the route (RFC 3986 §5.2.4).
 */
export function routeRequest(
  head: RequestHead,
  tunnel: Authority,
  routes: readonly Route[],
): Routed {
  const framing = bodyFraming(head);
  if (framing.kind === "reject") {
    return answer(framing.status, "authsome_bad_request", framing.reason);
  }
  const hosts = getHeaders(head, "host");
  if (hosts.length !== 1 || !sameAuthority(hosts[0], tunnel)) {
    const named = hosts.length === 1 ? `"${hosts[0]}"` : `${hosts.length} Host headers`;
    return answer(
      421,
      "authsome_misdirected",
      `Host ${named} does not match the tunnel to ${tunnel.host}`,
    );
  }
  let target = head.target;
  if (head.form === "authority") {
    return answer(400, "authsome_bad_request", `${head.method} inside a tunnel is not allowed`);
  }
  if (head.form === "absolute") {
    const url = URL.parse(target);
    if (!url || url.protocol !== "https:" || !sameAuthority(url.host, tunnel)) {
      return answer(
        421,
        "authsome_misdirected",
        `The request target names another origin than the tunnel to ${tunnel.host}`,
      );
    }
    target = originForm(target);
  }
  const raw = pathOnly(target);
  const match = matchRoute(routes, tunnel.host, tunnel.port, target);
  for (const canonical of pathReadings(raw)) {
    const other = matchRoute(routes, tunnel.host, tunnel.port, canonical);
    if (!sameMatch(match, other)) {
      return answer(
        400,
        "authsome_bad_request",
        `The path "${raw}" reads as "${canonical}" at the origin, which changes its route`,
      );
    }
  }
  let out = removeHeaders(head, HOP_HEADERS);
  if (target !== head.target) out = { ...out, target, form: "origin" };
  switch (match.kind) {
    case "none":
    case "ambiguous": {
      const { head: scrubbed, fates } = scrubPlaceholders(out, NO_CREDENTIALS);
      const pass = { kind: "pass", head: scrubbed, framing, placeholders: fates } as const;
      return match.kind === "none" ? pass : { ...pass, ambiguous: match.providers };
    }
    case "inject":
      return {
        kind: "credential",
        head: out,
        framing,
        route: match.route,
        requested: getHeaders(head, "x-authsome-connection")[0],
      };
    default: {
      const never: never = match;
      return never;
    }
  }
}

/** The origin-form (path and query) of an absolute-form target with an authority. */
function originForm(target: string): string {
  const start = target.indexOf("//") + 2;
  const end = target.slice(start).search(/[/?]/);
  if (end === -1) return "/";
  const rest = target.slice(start + end);
  return rest.startsWith("?") ? `/${rest}` : rest;
}

/**
 * What the connection becomes after the response to a request: a raw relay
 * only when the request asked to upgrade and the origin answered 101 (RFC
 * 9110 §7.8); any other answer keeps it in HTTP mode, every check applying.
 */
export function afterResponse(head: RequestHead, status: number): "relay" | "http" {
  return status === 101 && getHeaders(head, "upgrade").length > 0 ? "relay" : "http";
}

/**
 * What the run's policy says of a routed request, `served` being the
 * credentialed requests its provider has had: every way the origin may read
 * the path (as sent, and each canonical reading) must be allowed, so dot
 * segments cannot walk out of an allowed pattern. The allow names its rule.
 */
export function gateRequest(
  routed: Extract<Routed, { kind: "credential" }>,
  policy: Policy,
  served: number,
): { readonly kind: "allow"; readonly rule?: string } | Answer {
  const raw = pathOnly(routed.head.target);
  let rule: string | undefined;
  for (const path of [raw, ...pathReadings(raw)]) {
    const decision = decidePolicy(policy, routed.route.provider, routed.head.method, path, served);
    if (decision.kind === "refuse") return answer(decision.status, decision.code, decision.message);
    rule ??= decision.rule;
  }
  return rule === undefined ? { kind: "allow" } : { kind: "allow", rule };
}

/** Status and error code the child gets when its credential could not be had. */
export const CREDENTIAL_ERRORS: Readonly<
  Partial<Record<ErrorCode, { readonly status: number; readonly code: string }>>
> = {
  not_found: { status: 400, code: "authsome_connection_not_found" },
  network: { status: 502, code: "authsome_refresh_failed" },
  auth: { status: 401, code: "authsome_reauth_required" },
  not_approved: { status: 403, code: "authsome_route_not_approved" },
};

/** The row for codes the table does not name: the connection needs a new login. */
const FALLBACK = { status: 401, code: "authsome_reauth_required" } as const;

/** How a credential lookup ended. */
export type Lookup =
  | { readonly kind: "ok"; readonly resolved: Resolved }
  | {
    readonly kind: "error";
    readonly code: ErrorCode;
    readonly message: string;
    readonly hint?: string;
  };

/** A request ready to go upstream, with what its audit line records. */
export interface Forward {
  readonly kind: "forward";
  readonly head: RequestHead;
  readonly connection: string;
  /** Headers and query parameters that carried the placeholder, and what became of them. */
  readonly placeholders: readonly PlaceholderFate[];
}

/** The head to send for a routed request given its credential lookup, or the answer instead. */
export function planRequest(
  routed: Extract<Routed, { kind: "credential" }>,
  lookup: Lookup,
): Forward | Answer {
  if (lookup.kind === "error") {
    const row = CREDENTIAL_ERRORS[lookup.code] ?? FALLBACK;
    return answer(
      row.status,
      row.code,
      `${lookup.message}${lookup.hint ? `. ${lookup.hint}` : ""}`,
    );
  }
  let head = routed.head;
  for (const credential of lookup.resolved.credentials) {
    head = credential.kind === "header"
      ? setHeader(head, credential.name, credential.value.reveal())
      : { ...head, target: setQueryParam(head.target, credential.name, credential.value.reveal()) };
  }
  const scrubbed = scrubPlaceholders(head, lookup.resolved.accepted ?? []);
  return {
    kind: "forward",
    head: scrubbed.head,
    connection: lookup.resolved.connection,
    placeholders: scrubbed.fates,
  };
}
