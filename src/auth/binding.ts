/**
 * Where a credential may go. Each connection's encrypted record holds the
 * routes its provider declared when the connection was sealed (at login, or
 * when `authsome providers approve` re-seals it); the proxy injects only into
 * a request whose matched route is one of them, with the injection sealed for
 * it (so a changed file cannot change how the key is sent). A provider file, a cache or
 * a new release that declares other hosts changes nothing until the user
 * approves. The OAuth endpoints a refresh or a logout sends tokens to are
 * sealed the same way. Pure functions over records and definitions.
 */

import { AuthsomeError } from "../errors.ts";
import { describeRoute, describeRouteText, hostRuleText } from "../providers/api_url.ts";
import { primaryField, type ProviderRoute } from "../providers/compile.ts";
import { describeInjections } from "../providers/injection_text.ts";
import type { Provider, Registry } from "../providers/registry.ts";
import type { Injection } from "../providers/schema.ts";
import {
  type Connection,
  listConnections,
  replaceConnection,
  type SealedRoute,
} from "../vault/connections.ts";
import type { Records } from "../vault/store.ts";

/** The command that approves a provider's current routes. */
export function approveCommand(provider: string): string {
  return `authsome providers approve ${provider}`;
}

/** A sealed route as a user reads it, the way `describeRoute` shows a declared one. */
export function describeSealed(route: SealedRoute): string {
  return describeRouteText(route.host, route.port, route.pathPrefix, route.paths);
}

/** A sealed route with how it sends the credential, as approval and `doctor` show it. */
export function describeSealedWith(route: SealedRoute, primary: string): string {
  return `${describeSealed(route)} as ${describeInjections(route.injections, primary)}`;
}

/** One route as a connection seals it. */
function sealedRoute(spec: ProviderRoute): SealedRoute {
  return {
    host: hostRuleText(spec.host),
    port: spec.port,
    pathPrefix: spec.pathPrefix,
    ...(spec.paths && { paths: spec.paths.map((p) => p.text) }),
    injections: [...spec.injections],
  };
}

/** The routes a provider declares now, in the form a connection seals them. */
export function routesToSeal(provider: Pick<Provider, "routes">): SealedRoute[] {
  return provider.routes.map(sealedRoute);
}

/** The OAuth definition fields that say where a refresh or a logout sends tokens. */
const ENDPOINT_FIELDS = ["base_url", "token_url", "revocation_url"] as const;

/** The OAuth endpoints a provider declares now, as a connection seals them. */
export function endpointsToSeal(provider: Pick<Provider, "definition">): Record<string, string> {
  const oauth = provider.definition.oauth;
  const sealed: Record<string, string> = {};
  for (const field of ENDPOINT_FIELDS) {
    const value = oauth?.[field];
    if (value !== undefined) sealed[field] = value;
  }
  return sealed;
}

/** What a connection seals of its provider now: its routes and its OAuth endpoints. */
export function sealOf(provider: Provider): Pick<Connection, "routes" | "oauthEndpoints"> {
  return { routes: routesToSeal(provider), oauthEndpoints: endpointsToSeal(provider) };
}

function endpointLines(endpoints: Readonly<Record<string, string>> | undefined): string[] {
  return Object.entries(endpoints ?? {}).map(([field, url]) => `oauth.${field} ${url}`);
}

/** The OAuth endpoints that differ from those the connection was sealed with (as "oauth.FIELD URL"). */
export function changedEndpoints(connection: Connection, provider: Provider): string[] {
  const sealed = endpointLines(connection.oauthEndpoints);
  return difference(endpointLines(endpointsToSeal(provider)), sealed);
}

/**
 * Throws `not_approved` when the provider's OAuth endpoints are not those the
 * connection was sealed with: a refresh or revocation would send its tokens elsewhere.
 */
export function assertEndpointsSealed(connection: Connection, provider: Provider): void {
  const changed = changedEndpoints(connection, provider);
  if (changed.length === 0) return;
  throw new AuthsomeError(
    "not_approved",
    `The OAuth endpoints of "${provider.name}" changed since connection "${connection.name}" was sealed (${
      changed.join(", ")
    }): its tokens are not sent there`,
    { hint: `If you made that change, approve it: ${approveCommand(provider.name)}` },
  );
}

/** JSON with sorted keys: two injections are the same rule whatever order their file wrote them in. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_key, v) =>
      typeof v === "object" && v !== null && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0))
        : v,
  );
}

/** True when two lists hold the same injection rules in the same order. */
export function sameInjections(a: readonly Injection[], b: readonly Injection[]): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

/**
 * True when `route` is one of the connection's sealed routes: the same host
 * rule, port, path prefix and path patterns, and the same injection.
 */
export function isSealedFor(connection: Connection, route: ProviderRoute): boolean {
  const wanted = describeRoute(route);
  return (connection.routes ?? []).some((sealed) =>
    describeSealed(sealed) === wanted && sameInjections(sealed.injections, route.injections)
  );
}

/** How a provider's current routes differ from what its connections are sealed to. */
export interface RouteChange {
  readonly provider: string;
  /** The connections whose sealed routes differ. */
  readonly connections: readonly string[];
  /** Declared now, not sealed (routes with their injection, and OAuth endpoints as "oauth.FIELD URL"): refused until approved. */
  readonly added: readonly string[];
  /** Sealed, no longer declared: no longer intercepted. */
  readonly removed: readonly string[];
}

function difference(a: readonly string[], b: readonly string[]): string[] {
  const other = new Set(b);
  return [...new Set(a)].filter((item) => !other.has(item));
}

/** The change awaiting approval for `provider`, or undefined when every connection matches it. */
export function routeChange(records: Records, provider: Provider): RouteChange | undefined {
  const primary = primaryField(provider.definition);
  const current = [
    ...routesToSeal(provider).map((route) => describeSealedWith(route, primary)),
    ...endpointLines(endpointsToSeal(provider)),
  ];
  const added = new Set<string>();
  const removed = new Set<string>();
  const connections: string[] = [];
  for (const connection of listConnections(records)) {
    if (connection.provider !== provider.name || connection.routes === undefined) continue;
    const sealed = [
      ...connection.routes.map((route) => describeSealedWith(route, primary)),
      ...endpointLines(connection.oauthEndpoints),
    ];
    const more = difference(current, sealed);
    const fewer = difference(sealed, current);
    if (more.length === 0 && fewer.length === 0) continue;
    connections.push(connection.name);
    for (const route of more) added.add(route);
    for (const route of fewer) removed.add(route);
  }
  if (connections.length === 0) return undefined;
  return { provider: provider.name, connections, added: [...added], removed: [...removed] };
}

/** Every provider with a connection whose sealed routes differ from its current definition. */
export function routeChanges(records: Records, registry: Registry): RouteChange[] {
  const providers = new Set(listConnections(records).map((c) => c.provider));
  return [...providers].flatMap((name) => {
    const provider = registry.providers.get(name);
    const change = provider && routeChange(records, provider);
    return change ? [change] : [];
  });
}

/** Seals every connection of `provider` to its current routes; returns how many were sealed. */
export function sealProvider(records: Records, provider: Provider): number {
  const mine = listConnections(records).filter((c) => c.provider === provider.name);
  for (const connection of mine) replaceConnection(records, { ...connection, ...sealOf(provider) });
  return mine.length;
}

/** True when some connection was written by a release that did not seal routes. */
export function hasUnsealed(records: Records): boolean {
  return listConnections(records).some((c) => c.routes === undefined);
}

/**
 * Seals each connection written by an earlier release to its provider's
 * routes as they are now (none for a provider no longer known); returns how
 * many were sealed.
 */
export function sealUnsealed(records: Records, registry: Registry): number {
  const unsealed = listConnections(records).filter((c) => c.routes === undefined);
  for (const connection of unsealed) {
    const provider = registry.providers.get(connection.provider);
    const sealed = provider ? sealOf(provider) : { routes: [], oauthEndpoints: {} };
    replaceConnection(records, { ...connection, ...sealed });
  }
  return unsealed.length;
}
