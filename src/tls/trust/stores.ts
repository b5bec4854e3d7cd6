/**
 * Which trust stores a machine has: its system store (per Linux family), the
 * macOS keychains or the Windows Root stores, NSS databases when `certutil`
 * is installed, and Java's cacerts when `keytool` is. A dry run for another
 * platform assumes that platform's standard stores.
 */

import type { MachineFacts } from "./facts.ts";
import { javaStores } from "./java.ts";
import { detectLinuxFlavor, LINUX_FLAVORS, linuxSystemStore } from "./linux.ts";
import { macosStores } from "./macos.ts";
import { nssStores } from "./nss.ts";
import type { Scope, StoreKind, TrustStore } from "./plan.ts";
import { windowsStores } from "./windows.ts";

/** The platforms a dry run can show: each Linux family, macOS and Windows. */
export const PLATFORMS = [...LINUX_FLAVORS, "macos", "windows"] as const;

/** One of {@linkcode PLATFORMS}. */
export type Platform = typeof PLATFORMS[number];

/** The trust stores of the machine `facts` describe. */
export function machineStores(facts: MachineFacts): TrustStore[] {
  const own = (): TrustStore[] => {
    switch (facts.os) {
      case "darwin":
        return macosStores(facts.home);
      case "windows":
        return windowsStores();
      case "linux": {
        const flavor = detectLinuxFlavor(facts);
        return flavor ? [linuxSystemStore(flavor)] : [];
      }
      default: {
        const never: never = facts.os;
        return never;
      }
    }
  };
  return [...own(), ...nssStores(facts), ...javaStores(facts)];
}

/** The standard stores of `platform` for a user whose home is `home` (pure; for dry runs). */
export function platformStores(platform: Platform, home: string): TrustStore[] {
  switch (platform) {
    case "macos":
      return macosStores(home);
    case "windows":
      return windowsStores();
    default:
      return [linuxSystemStore(platform)];
  }
}

/** What `--system`, `--user` and `--store` select. */
export interface StoreFilter {
  readonly scope?: Scope;
  readonly kinds?: readonly StoreKind[];
}

/** The stores `filter` selects (pure). */
export function selectStores(stores: readonly TrustStore[], filter: StoreFilter): TrustStore[] {
  return stores.filter((store) =>
    (filter.scope === undefined || store.scope === filter.scope) &&
    (filter.kinds === undefined || filter.kinds.length === 0 || filter.kinds.includes(store.kind))
  );
}
