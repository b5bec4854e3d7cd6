/**
 * TLS for the intercepting proxy: the local CA (created once in
 * `$AUTHSOME_HOME/ca/`), leaf certificates for intercepted hosts (one shared
 * key, cached per host in memory and on disk), and the CA bundle handed to
 * children. It does not terminate TLS (that is `src/proxy/`) and does not yet
 * install the CA into trust stores.
 *
 * node-forge, used to build certificates, loads only when one is minted or
 * the CA is loaded.
 */

export {
  type Ca,
  CA_VALIDITY_DAYS,
  type CaOptions,
  type CaPaths,
  caPaths,
  loadCa,
  loadOrCreateCa,
} from "./ca.ts";
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
