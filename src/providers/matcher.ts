/**
 * The route matcher: which provider's credential, if any, a request gets.
 * Pure functions over a list of routes. An exact host beats a regex, then the
 * longest path prefix wins, then the route declared first; two providers
 * equally good are ambiguous. A route with path patterns takes only the paths
 * that match one of them.
 */

import { matchPath } from "../policy/path_pattern.ts";
import { type HostRule, normalizeHost } from "./api_url.ts";
import type { ProviderRoute } from "./compile.ts";

/** A compiled route of one provider, with the injection it applies. */
export interface Route extends ProviderRoute {
  readonly provider: string;
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

/** True when `path` lies on `route`: under its prefix and, when it has patterns, matching one. */
function onRoute(route: ProviderRoute, path: string): boolean {
  return pathUnder(path, route.pathPrefix) &&
    (route.paths === undefined || route.paths.some((pattern) => matchPath(pattern, path)));
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
      route.port !== port || !hostMatches(route.host, name) || !onRoute(route, path)
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
