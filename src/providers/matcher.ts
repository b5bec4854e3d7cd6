/**
 * The route matcher: which provider's credential, if any, a request gets.
 * Pure functions over a list of routes. An exact host beats a regex, then the
 * longest path prefix wins; two providers equally good are ambiguous.
 */

import { type HostRule, normalizeHost, type RouteSpec } from "./api_url.ts";
import type { Injection } from "./schema.ts";

/** A compiled route of one provider. */
export interface Route extends RouteSpec {
  readonly provider: string;
  readonly injections: readonly Injection[];
}

/** The outcome of matching one request. */
export type Match =
  | { readonly kind: "inject"; readonly route: Route }
  | { readonly kind: "none" }
  | { readonly kind: "ambiguous"; readonly providers: readonly [string, string] };

function hostMatches(rule: HostRule, host: string): boolean {
  switch (rule.kind) {
    case "exact":
      return rule.host === host;
    case "regex":
      return rule.regex.test(host);
    default: {
      const never: never = rule;
      return never;
    }
  }
}

/** True when `path` (no query) lies under `prefix` on a segment boundary. */
export function pathUnder(path: string, prefix: string): boolean {
  if (prefix === "") return true;
  return path === prefix || (path.startsWith(prefix) && path[prefix.length] === "/");
}

/** Strips the query string and fragment from a request target path. */
export function pathOnly(target: string): string {
  const end = target.search(/[?#]/);
  return end === -1 ? target : target.slice(0, end);
}

/** Picks the route for a request to `host:port` at `target` (origin-form path, query allowed). */
export function matchRoute(
  routes: readonly Route[],
  host: string,
  port: number,
  target: string,
): Match {
  const name = normalizeHost(host);
  const path = pathOnly(target);
  let best: Route | undefined;
  let bestScore = -1;
  let rival: Route | undefined;
  for (const route of routes) {
    if (
      route.port !== port || !hostMatches(route.host, name) || !pathUnder(path, route.pathPrefix)
    ) continue;
    const score = (route.host.kind === "exact" ? 1_000_000 : 0) + route.pathPrefix.length;
    if (score > bestScore) {
      best = route;
      bestScore = score;
      rival = undefined;
    } else if (score === bestScore && best && route.provider !== best.provider) {
      rival ??= route;
    }
  }
  if (!best) return { kind: "none" };
  if (rival) return { kind: "ambiguous", providers: [best.provider, rival.provider] };
  return { kind: "inject", route: best };
}

/** True when some route could match a request to `host:port`: the proxy intercepts it. */
export function hostIsRouted(routes: readonly Route[], host: string, port: number): boolean {
  const name = normalizeHost(host);
  return routes.some((route) => route.port === port && hostMatches(route.host, name));
}
