/**
 * NSS databases, which Chrome and Chromium on Linux (`~/.pki/nssdb`) and
 * every Firefox profile read instead of the system store. Managed with NSS's
 * `certutil` (Debian: libnss3-tools, Fedora: nss-tools, macOS: brew's nss),
 * only when it is installed. The CA is added as a trusted SSL CA (`C,,`)
 * under its unique name, so old and new CAs never collide.
 */

import { join } from "node:path";
import type { MachineFacts } from "./facts.ts";
import type { CaRef, TrustStore } from "./plan.ts";

/** An NSS database: `sql:` (cert9.db) or the legacy `dbm:` (cert8.db) form. */
export interface NssDb {
  readonly dir: string;
  readonly spec: string;
  readonly scope: "system" | "user";
  /** Writing needs root (a database this user cannot write, such as /etc/pki/nssdb). */
  readonly sudo: boolean;
}

/** The store of one NSS database, driven by the certutil at `certutil` (pure). */
export function nssStore(db: NssDb, certutil: string): TrustStore {
  return {
    kind: "nss",
    id: `nss:${db.dir}`,
    label: `NSS database ${db.dir}`,
    scope: db.scope,
    elevation: "sudo",
    trusted: (ca: CaRef) => ({
      kind: "command",
      argv: [certutil, "-V", "-d", db.spec, "-u", "L", "-n", ca.name],
    }),
    removable: (ca: CaRef) => ({
      kind: "command",
      argv: [certutil, "-L", "-d", db.spec, "-n", ca.name],
    }),
    install: (ca) => [{
      argv: [certutil, "-A", "-d", db.spec, "-t", "C,,", "-n", ca.name, "-i", ca.certPath],
      sudo: db.sudo,
    }],
    uninstall: (ca) => [{ argv: [certutil, "-D", "-d", db.spec, "-n", ca.name], sudo: db.sudo }],
  };
}

/** Where NSS databases live on `facts.os`, before globbing Firefox profiles. */
function candidates(facts: MachineFacts): { dirs: string[]; profileRoots: string[] } {
  const home = facts.home;
  if (facts.os === "darwin") {
    return { dirs: [], profileRoots: [join(home, "Library/Application Support/Firefox/Profiles")] };
  }
  return {
    dirs: [
      join(home, ".pki/nssdb"),
      join(home, "snap/chromium/current/.pki/nssdb"),
      "/etc/pki/nssdb",
    ],
    profileRoots: [
      join(home, ".mozilla/firefox"),
      join(home, "snap/firefox/common/.mozilla/firefox"),
    ],
  };
}

/** The NSS databases on this machine. */
export function findNssDbs(facts: MachineFacts): NssDb[] {
  const { dirs, profileRoots } = candidates(facts);
  const all = [
    ...dirs,
    ...profileRoots.flatMap((root) => facts.list(root).map((name) => join(root, name))),
  ];
  return all.flatMap((dir): NssDb[] => {
    const modern = join(dir, "cert9.db");
    const legacy = join(dir, "cert8.db");
    const file = facts.exists(modern) ? modern : facts.exists(legacy) ? legacy : undefined;
    if (!file) return [];
    const system = !dir.startsWith(facts.home);
    return [{
      dir,
      spec: `${file === modern ? "sql" : "dbm"}:${dir}`,
      scope: system ? "system" : "user",
      sudo: !facts.writable(file),
    }];
  });
}

/** NSS's certutil, when installed (never Windows' own certutil.exe). */
export function findCertutil(facts: MachineFacts): string | undefined {
  if (facts.os === "windows") return undefined;
  const onPath = facts.which("certutil");
  if (onPath) return onPath;
  if (facts.os !== "darwin") return undefined;
  return ["/opt/homebrew/opt/nss/bin/certutil", "/usr/local/opt/nss/bin/certutil"].find((path) =>
    facts.exists(path)
  );
}

/** The NSS stores of this machine: one per database, when certutil is installed. */
export function nssStores(facts: MachineFacts): TrustStore[] {
  const certutil = findCertutil(facts);
  if (!certutil) return [];
  return findNssDbs(facts).map((db) => nssStore(db, certutil));
}
