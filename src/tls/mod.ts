/**
 * The front door of the CA layer, for `run`, `doctor` and `cert`: given the
 * home's CA folder and the providers' routes, the CA state each needs. The CA
 * is created on first use with name constraints covering the providers'
 * domains, and checked against the providers known now, since a provider
 * added after the CA was made may live under a domain the CA cannot certify:
 * `run` then certifies it with a second CA kept beside the first
 * (user_domains_ca.ts; `authsome cert rotate` folds it into a new first CA).
 * A run reads a CA's private key only when a leaf must be minted: one that
 * serves cached leaves, or none, parses no key. The run's CA bundle and CA
 * page come through here too; the trust stores have their own entry
 * (`trust/mod.ts`).
 */

import {
  type Ca,
  type CaCertificate,
  caPaths,
  loadCa,
  loadCaCertificate,
  loadOrCreateCa,
} from "./ca.ts";
import type { SecureContext } from "node:tls";
import { issueLeaf, loadOrCreateLeafKey } from "./leaf.ts";
import { LeafCache } from "./leaf_cache.ts";
import { isIPv4 } from "node:net";
import {
  constraintsFrom,
  coveringDomain,
  type NameConstraints,
  type NameNeed,
  permits,
  uncovered,
} from "./name_constraints.ts";
import { namesFor, providerNames, type RouteHost } from "./provider_names.ts";
import { loadUserDomainsCa, openUserDomainsCa, userDomainsDir } from "./user_domains_ca.ts";

export type { Ca, CaCertificate, NameNeed };
export { loadUserDomainsCa, userDomainsDir };
export { caPageResponse } from "./ca_page.ts";
export { systemRoots, writeCaBundle } from "./ca_bundle.ts";

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
function plainlyCovered(
  permitted: NameConstraints | undefined,
  routes: readonly RouteHost[],
): boolean {
  if (!permitted) return true;
  // Each host needs itself here: no registrable domain is worked out.
  return namesFor(routes, (host) => host).every((need) => permits(permitted, need));
}

function leftOut(ca: CaCertificate, needs: readonly NameNeed[]): NameNeed[] {
  return ca.permitted ? uncovered(needs, ca.permitted) : [];
}

/** Loads the CA in `caDir`, creating it for `routes` on first use, and checks it against them. */
export async function openCa(caDir: string, routes: readonly RouteHost[]): Promise<CheckedCa> {
  const { needs, permitted } = await constraintsFor(routes);
  const ca = await loadOrCreateCa(caDir, { permitted });
  return { ca, uncovered: leftOut(ca, needs) };
}

/** Loads the CA in `caDir` if there is one, and checks it against `routes`. */
export async function findCa(
  caDir: string,
  routes: readonly RouteHost[],
): Promise<CheckedCa | undefined> {
  const ca = await loadCa(caPaths(caDir));
  if (!ca) return undefined;
  if (plainlyCovered(ca.permitted, routes)) return { ca, uncovered: [] };
  return { ca, uncovered: leftOut(ca, (await constraintsFor(routes)).needs) };
}

/** The needs of `checked` that `second` (the second CA, if any) does not permit either. */
export function uncoveredByBoth(checked: CheckedCa, second?: CaCertificate): NameNeed[] {
  const permitted = second?.permitted;
  return permitted
    ? checked.uncovered.filter((need) => !permits(permitted, need))
    : [...checked.uncovered];
}

/** The CA state of a run: its CAs' certificates, and a leaf for any host either may certify. */
export interface RunCa {
  /** The first CA. */
  readonly ca: CaCertificate;
  /** The second CA, when the first CA's constraints leave out some provider's names. */
  readonly second?: CaCertificate;
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
 * The names a run over `routes` needs, and the constraints a first CA made
 * now would carry. The Public Suffix List (10 MB and 25 ms to load) is left
 * out when the CAs as they stand permit every route's host: the first alone
 * (nothing needed), or with the second, whose subtrees then name each need.
 */
async function runNeeds(
  caDir: string,
  existing: CaCertificate | undefined,
  routes: readonly RouteHost[],
): Promise<{ needs: NameNeed[]; permitted?: NameConstraints }> {
  if (existing === undefined) return await constraintsFor(routes);
  const first = existing.permitted;
  // An unconstrained first CA permits every host.
  if (first === undefined || plainlyCovered(first, routes)) return { needs: [] };
  const second = (await loadCaCertificate(caPaths(userDomainsDir(caDir))))?.permitted;
  if (second === undefined) return await constraintsFor(routes);
  const both = { dns: [...first.dns, ...second.dns], ip: [...first.ip, ...second.ip] };
  if (!plainlyCovered(both, routes)) return await constraintsFor(routes);
  return { needs: namesFor(routes, (host) => coveringDomain(both, host)) };
}

/**
 * The CAs of `caDir` for a run over `routes`: the first (made for them on
 * first use) and, when its constraints leave some out, the second, made to
 * cover them. Their private keys are read only when a leaf must be minted.
 */
export async function openRunCa(caDir: string, routes: readonly RouteHost[]): Promise<RunCa> {
  const existing = await loadCaCertificate(caPaths(caDir));
  const { needs, permitted } = await runNeeds(caDir, existing, routes);
  const leaves = await LeafCache.open(caDir, undefined, permitted);
  const ca = leaves.ca;
  const left = leftOut(ca, needs);
  const first = (host: string) => leaves.context(host);
  if (left.length === 0) return { ca, secondCovers: [], uncovered: [], context: first };
  const second = await openUserDomainsCa(caDir, left);
  const firstPermits = ca.permitted!;
  return {
    ca,
    second: second.ca,
    secondCovers: left.filter((need) => permits(second.ca.permitted!, need)),
    uncovered: uncovered(left, second.ca.permitted!),
    context: (host) => permits(firstPermits, hostNeed(host)) ? first(host) : second.context(host),
  };
}

/** A certificate for an origin authsome serves itself, with the CA that signed it. */
export interface OwnOrigin {
  /** The CA's certificate, PEM: what a client of the origin must trust. */
  readonly caPem: string;
  readonly certPem: string;
  readonly keyPem: string;
}

/**
 * A leaf for `host` from a CA of its own in `dir` (made on first use, named for
 * `owner`), for an origin authsome serves itself: doctor's check endpoint.
 */
export async function ownOrigin(dir: string, host: string, owner: string): Promise<OwnOrigin> {
  const ca = await loadOrCreateCa(dir, { owner });
  const key = await loadOrCreateLeafKey(dir);
  return {
    caPem: ca.certPem,
    certPem: await issueLeaf(ca, host, key, new Date()),
    keyPem: key.export({ type: "pkcs8", format: "pem" }) as string,
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
