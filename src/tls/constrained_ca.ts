/**
 * The CA as `run`, `doctor` and `cert` open it: created on first use with
 * name constraints covering the providers' domains, and checked against the
 * providers known now, since a provider added after the CA was made may live
 * under a domain the CA cannot certify: `run` then certifies it with a second
 * CA kept beside the first (`authsome cert rotate` folds it into a new first CA).
 */

import { type Ca, caPaths, loadCa, loadOrCreateCa } from "./ca.ts";
import type { SecureContext } from "node:tls";
import { LeafCache } from "./leaf_cache.ts";
import { isIPv4 } from "node:net";
import {
  constraintsFrom,
  type NameConstraints,
  type NameNeed,
  permits,
  uncovered,
} from "./name_constraints.ts";
import { providerNames, type RouteHost } from "./provider_names.ts";
import { openUserDomainsCa } from "./user_domains_ca.ts";

/** A CA and the providers' names it does not permit. */
export interface CheckedCa {
  readonly ca: Ca;
  /** Needs of the current providers outside the CA's constraints (empty for an unconstrained CA). */
  readonly uncovered: readonly NameNeed[];
}

/** The constraints a CA made now for `routes` would carry, and the needs behind them. */
export async function constraintsFor(
  routes: readonly RouteHost[],
): Promise<{ needs: NameNeed[]; permitted: NameConstraints }> {
  const needs = await providerNames(routes);
  return { needs, permitted: constraintsFrom(needs) };
}

/**
 * True when the CA permits every route's host as it stands, which needs no
 * Public Suffix List: the common case of `run`, which then skips loading it.
 */
function plainlyCovered(ca: Ca, routes: readonly RouteHost[]): boolean {
  const permitted = ca.permitted;
  if (!permitted) return true;
  return routes.every(({ host }) => {
    if (host.kind === "regex") return permits(permitted, { kind: "dns", name: host.domain });
    return permits(permitted, { kind: isIPv4(host.host) ? "ip" : "dns", name: host.host });
  });
}

function check(ca: Ca, needs: readonly NameNeed[]): CheckedCa {
  return { ca, uncovered: ca.permitted ? uncovered(needs, ca.permitted) : [] };
}

/** Loads the CA in `caDir`, creating it for `routes` on first use, and checks it against them. */
export async function openCa(caDir: string, routes: readonly RouteHost[]): Promise<CheckedCa> {
  const { needs, permitted } = await constraintsFor(routes);
  return check(await loadOrCreateCa(caDir, { permitted }), needs);
}

/** Loads the CA in `caDir` if there is one, and checks it against `routes`. */
export async function findCa(
  caDir: string,
  routes: readonly RouteHost[],
): Promise<CheckedCa | undefined> {
  const ca = await loadCa(caPaths(caDir));
  if (!ca) return undefined;
  if (plainlyCovered(ca, routes)) return { ca, uncovered: [] };
  return check(ca, (await constraintsFor(routes)).needs);
}

/** The leaves of a run: the first CA's, and the second CA's for what the first leaves out. */
export interface RunLeaves {
  /** The first CA's leaf cache. */
  readonly leaves: LeafCache;
  /** The second CA's, when the first CA's constraints leave out some provider's names. */
  readonly second?: LeafCache;
  /** The names the second CA certifies because the first cannot. */
  readonly secondCovers: readonly NameNeed[];
  /** Names neither CA may certify. */
  readonly uncovered: readonly NameNeed[];
  /** The TLS context for `host`, with a leaf from the CA that may certify it. */
  context(host: string): Promise<SecureContext>;
}

function hostNeed(host: string): Omit<NameNeed, "provider"> {
  const name = host.replace(/^\[|\]$/g, "");
  return { kind: isIPv4(name) ? "ip" : "dns", name: name.toLowerCase() };
}

/**
 * Opens the leaf caches of `caDir` for `routes`: the first CA's (made for
 * them on first use) and, when its constraints leave some out, the second
 * CA's, made to cover them (src/tls/user_domains_ca.ts).
 */
export async function openLeafCache(
  caDir: string,
  routes: readonly RouteHost[],
): Promise<RunLeaves> {
  const existing = await loadCa(caPaths(caDir));
  const plain = existing !== undefined && plainlyCovered(existing, routes);
  const { needs, permitted } = plain
    ? { needs: [], permitted: undefined }
    : await constraintsFor(routes);
  const leaves = await LeafCache.open(caDir, undefined, permitted);
  const left = check(leaves.ca, needs).uncovered;
  const first = (host: string) => leaves.context(host);
  if (left.length === 0) return { leaves, secondCovers: [], uncovered: [], context: first };
  const second = await openUserDomainsCa(caDir, left);
  const firstPermits = leaves.ca.permitted!;
  return {
    leaves,
    second,
    secondCovers: left.filter((need) => permits(second.ca.permitted!, need)),
    uncovered: uncovered(left, second.ca.permitted!),
    context: (host) => permits(firstPermits, hostNeed(host)) ? first(host) : second.context(host),
  };
}

/** Groups uncovered needs by name: `name → providers`, for one message per domain. */
export function describeUncovered(needs: readonly NameNeed[]): string[] {
  const byName = new Map<string, string[]>();
  for (const need of needs) byName.set(need.name, [...byName.get(need.name) ?? [], need.provider]);
  return [...byName].map(([name, providers]) =>
    `"${name}" (provider${providers.length > 1 ? "s" : ""} ${
      providers.map((p) => `"${p}"`).join(", ")
    })`
  );
}
