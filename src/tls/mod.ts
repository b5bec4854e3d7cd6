/**
 * TLS for the intercepting proxy: the local CA (created once in
 * `$AUTHSOME_HOME/ca/`, with X.509 name constraints that permit only the
 * providers' domains), leaf certificates for intercepted hosts (one shared
 * key, cached per host in memory and on disk), the CA bundle handed to
 * children, the CA page at `http://authsome.local/`, and the trust stores
 * (`trust/`, its own entry). It does not terminate TLS (that is `src/proxy/`).
 *
 * node-forge, used to build certificates, loads only when one is minted;
 * loading the CA reads its DER with a few lines of its own.
 */

export {
  type Ca,
  CA_VALIDITY_DAYS,
  type CaOptions,
  type CaPaths,
  caPaths,
  loadCa,
  loadOrCreateCa,
  replaceCa,
} from "./ca.ts";
export { CA_PAGE_HOST, caPageResponse } from "./ca_page.ts";
export {
  type CheckedCa,
  constraintsFor,
  describeUncovered,
  findCa,
  openCa,
  openLeafCache,
  type RunLeaves,
} from "./constrained_ca.ts";
export { loadUserDomainsCa, openUserDomainsCa, userDomainsDir } from "./user_domains_ca.ts";
export {
  constraintsFrom,
  type NameConstraints,
  type NameNeed,
  permits,
  uncovered,
} from "./name_constraints.ts";
export { providerNames, type RouteHost } from "./provider_names.ts";
export {
  issueLeaf,
  LEAF_BACKDATE_DAYS,
  LEAF_VALIDITY_DAYS,
  loadOrCreateLeafKey,
  normalizeHost,
} from "./leaf.ts";
export { LEAF_RENEW_DAYS, LeafCache, type LeafCacheOptions, type LeafPair } from "./leaf_cache.ts";
export {
  SYSTEM_ROOT_FILES,
  systemRoots,
  type SystemRootsOptions,
  writeCaBundle,
} from "./ca_bundle.ts";
