/**
 * The second CA, kept beside the first in `<caDir>/user-domains/`: it
 * certifies the domains of providers added after the first CA was made,
 * which that CA's name constraints leave out. Only the programs `authsome run`
 * starts trust it (through the run's CA bundle), so it can be made again, to
 * cover a new domain as well as the old ones, without any trust store to fix;
 * `authsome cert install` adds it to the stores with the first.
 */

import { join } from "node:path";
import { type Ca, caPaths, loadCa, loadCaCertificate, replaceCa } from "./ca.ts";
import { LeafCache } from "./leaf_cache.ts";
import {
  constraintsFrom,
  type NameConstraints,
  type NameNeed,
  uncovered,
} from "./name_constraints.ts";

/** The folder of the second CA, inside the first one's. */
export function userDomainsDir(caDir: string): string {
  return join(caDir, "user-domains");
}

/** The constraints that permit both `old` and `needs`. */
export function widened(
  old: NameConstraints | undefined,
  needs: readonly NameNeed[],
): NameConstraints {
  const fromOld: NameNeed[] = [
    ...(old?.dns ?? []).map((name) => ({ provider: "", kind: "dns" as const, name })),
    ...(old?.ip ?? []).map((name) => ({ provider: "", kind: "ip" as const, name })),
  ];
  return constraintsFrom([...fromOld, ...needs]);
}

/** The second CA of `caDir`, if there is one. */
export async function loadUserDomainsCa(caDir: string): Promise<Ca | undefined> {
  return await loadCa(caPaths(userDomainsDir(caDir)));
}

/**
 * The leaf cache of the second CA, made (or made again, wider) so that it
 * permits every one of `needs`.
 */
export async function openUserDomainsCa(
  caDir: string,
  needs: readonly NameNeed[],
): Promise<LeafCache> {
  const dir = userDomainsDir(caDir);
  const existing = await loadCaCertificate(caPaths(dir));
  // First use: made once even when two runs start together (loadOrCreateCa creates exclusively).
  if (!existing) return await LeafCache.open(dir, undefined, widened(undefined, needs));
  const fits = existing.permitted !== undefined &&
    uncovered(needs, existing.permitted).length === 0;
  if (!fits) await replaceCa(dir, { permitted: widened(existing.permitted, needs) });
  return await LeafCache.open(dir);
}
