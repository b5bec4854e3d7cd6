/**
 * Where a credential may go. Each connection's encrypted record holds the
 * routes its provider declared when the connection was sealed (at login, or
 * when `authsome providers approve` re-seals it); the proxy injects only into
 * a request whose matched route is one of them. A provider file, a cache or
 * a new release that declares other hosts changes nothing until the user
 * approves. Pure functions over records and definitions.
 */

import type { RouteSpec } from "../providers/api_url.ts";
import type { Provider, Registry } from "../providers/registry.ts";
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

function hostText(spec: RouteSpec): string {
  return spec.host.kind === "exact" ? spec.host.host : `regex:${spec.host.source}`;
}

/** A sealed route as a user reads it, the way `describeRoute` shows a declared one. */
export function describeSealed(route: Pick<SealedRoute, "host" | "port" | "pathPrefix">): string {
  if (route.host.startsWith("regex:")) return route.host;
  return `${route.host}${route.port === 443 ? "" : `:${route.port}`}${route.pathPrefix}`;
}

/** The routes a provider declares now, in the form a connection seals them. */
export function routesToSeal(provider: Pick<Provider, "routes" | "injections">): SealedRoute[] {
  return provider.routes.map((spec) => ({
    host: hostText(spec),
    port: spec.port,
    pathPrefix: spec.pathPrefix,
    injections: [...provider.injections],
  }));
}

/** True when `route` is one of the connection's sealed routes (host rule, port and path prefix). */
export function isSealedFor(connection: Connection, route: RouteSpec): boolean {
  const wanted = describeSealed({ ...route, host: hostText(route) });
  return (connection.routes ?? []).some((sealed) => describeSealed(sealed) === wanted);
}

/** How a provider's current routes differ from what its connections are sealed to. */
export interface RouteChange {
  readonly provider: string;
  /** The connections whose sealed routes differ. */
  readonly connections: readonly string[];
  /** Declared now, not sealed: requests there are refused until approved. */
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
  const current = routesToSeal(provider).map(describeSealed);
  const added = new Set<string>();
  const removed = new Set<string>();
  const connections: string[] = [];
  for (const connection of listConnections(records)) {
    if (connection.provider !== provider.name || connection.routes === undefined) continue;
    const sealed = connection.routes.map(describeSealed);
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
  const routes = routesToSeal(provider);
  const mine = listConnections(records).filter((c) => c.provider === provider.name);
  for (const connection of mine) replaceConnection(records, { ...connection, routes });
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
    replaceConnection(records, { ...connection, routes: provider ? routesToSeal(provider) : [] });
  }
  return unsealed.length;
}
