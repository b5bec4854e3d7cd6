/**
 * The Windows Root store, read by Edge, Chrome, .NET, curl (Schannel) and
 * Go: the current user's (Windows asks the user to confirm in a dialog) and
 * the local machine's (an administrator's terminal). Managed with Windows'
 * own `certutil.exe`, which takes a PEM file and finds certificates by their
 * SHA-1 thumbprint.
 */

import type { CaRef, Probe, TrustStore } from "./plan.ts";

function rootStore(user: boolean): TrustStore {
  const where = user ? ["-user"] : [];
  return {
    kind: user ? "windows-user" : "windows-machine",
    id: user ? "windows-user" : "windows-machine",
    label: user ? "Windows Root store (current user)" : "Windows Root store (local machine)",
    scope: user ? "user" : "system",
    elevation: "administrator",
    trusted: (ca: CaRef): Probe => ({
      kind: "command",
      argv: ["certutil", ...where, "-store", "Root", ca.sha1],
    }),
    install: (ca) => [{
      argv: ["certutil", ...where, "-addstore", "-f", "Root", ca.certPath],
      sudo: !user,
    }],
    uninstall: (ca) => [{
      argv: ["certutil", ...where, "-delstore", "Root", ca.sha1],
      sudo: !user,
    }],
  };
}

/** The current user's Root store (pure). */
export function windowsUserStore(): TrustStore {
  return rootStore(true);
}

/** The local machine's Root store (pure). */
export function windowsMachineStore(): TrustStore {
  return rootStore(false);
}

/** Both Root stores. */
export function windowsStores(): TrustStore[] {
  return [windowsUserStore(), windowsMachineStore()];
}
