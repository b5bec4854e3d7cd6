/**
 * macOS keychains, read by Safari, Chrome, curl (Secure Transport) and Go:
 * the user's login keychain, and the System keychain for every user (root).
 * `security add-trusted-cert` adds the certificate and its trust settings;
 * removing takes the trust settings away, then the certificate. macOS asks
 * for the user's password in a dialog when trust settings change.
 */

import { join } from "node:path";
import type { CaRef, Probe, TrustStore } from "./plan.ts";

/** The System keychain, for every user of the Mac. */
export const SYSTEM_KEYCHAIN = "/Library/Keychains/System.keychain";

/** The login keychain in `home`. */
export function loginKeychain(home: string): string {
  return join(home, "Library/Keychains/login.keychain-db");
}

const found = (keychain: string) => (ca: CaRef): Probe => ({
  kind: "command",
  argv: ["security", "find-certificate", "-a", "-Z", keychain],
  stdoutIncludes: ca.sha1,
});

/** The user's login keychain in `home` (pure). */
export function loginKeychainStore(home: string): TrustStore {
  const keychain = loginKeychain(home);
  return {
    kind: "keychain-login",
    id: "keychain-login",
    label: `macOS login keychain ${keychain}`,
    scope: "user",
    elevation: "sudo",
    trusted: found(keychain),
    install: (ca) => [{
      argv: ["security", "add-trusted-cert", "-r", "trustRoot", "-k", keychain, ca.certPath],
      sudo: false,
    }],
    uninstall: (ca) => [
      { argv: ["security", "remove-trusted-cert", ca.certPath], sudo: false },
      { argv: ["security", "delete-certificate", "-Z", ca.sha1, keychain], sudo: false },
    ],
  };
}

/** The System keychain (pure). */
export function systemKeychainStore(): TrustStore {
  return {
    kind: "keychain-system",
    id: "keychain-system",
    label: `macOS System keychain ${SYSTEM_KEYCHAIN}`,
    scope: "system",
    elevation: "sudo",
    trusted: found(SYSTEM_KEYCHAIN),
    install: (ca) => [{
      argv: [
        "security",
        "add-trusted-cert",
        "-d",
        "-r",
        "trustRoot",
        "-k",
        SYSTEM_KEYCHAIN,
        ca.certPath,
      ],
      sudo: true,
    }],
    uninstall: (ca) => [
      { argv: ["security", "remove-trusted-cert", "-d", ca.certPath], sudo: true },
      { argv: ["security", "delete-certificate", "-Z", ca.sha1, SYSTEM_KEYCHAIN], sudo: true },
    ],
  };
}

/** Both keychains of a Mac whose user lives in `home`. */
export function macosStores(home: string): TrustStore[] {
  return [loginKeychainStore(home), systemKeychainStore()];
}
