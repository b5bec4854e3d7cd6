/**
 * The Linux system store: a CA file in the distribution's anchors folder and
 * the command that rebuilds the bundle every OpenSSL and GnuTLS program
 * reads. Debian, Ubuntu and Alpine use `update-ca-certificates`, Fedora and
 * RHEL `update-ca-trust`, Arch p11-kit's `trust`, openSUSE its own
 * `update-ca-certificates`. Trusted means: the rebuilt bundle holds the CA.
 */

import type { MachineFacts } from "./facts.ts";
import type { CaRef, Probe, Step, TrustStore } from "./plan.ts";

/** The Linux families whose system store authsome knows. */
export const LINUX_FLAVORS = ["debian", "alpine", "fedora", "arch", "opensuse"] as const;

/** One of {@linkcode LINUX_FLAVORS}. */
export type LinuxFlavor = typeof LINUX_FLAVORS[number];

interface Layout {
  readonly label: string;
  /** Where a CA file goes, for the families that take one. */
  readonly anchors?: { readonly dir: string; readonly extension: string };
  /** The bundle rebuilt from the anchors. */
  readonly bundle: string;
  readonly install: (ca: CaRef, anchor?: string) => string[][];
  readonly uninstall: (ca: CaRef, anchor?: string) => string[][];
}

const copyThen = (update: string[]) => (ca: CaRef, anchor?: string) => [
  ["install", "-m", "644", ca.certPath, anchor!],
  update,
];
const removeThen = (update: string[]) => (_ca: CaRef, anchor?: string) => [
  ["rm", "-f", anchor!],
  update,
];

const LAYOUTS: Record<LinuxFlavor, Layout> = {
  debian: {
    label: "system store (Debian/Ubuntu: update-ca-certificates)",
    anchors: { dir: "/usr/local/share/ca-certificates", extension: ".crt" },
    bundle: "/etc/ssl/certs/ca-certificates.crt",
    install: copyThen(["update-ca-certificates"]),
    // --fresh also drops the CA's link in /etc/ssl/certs and tells the hooks (Java's cacerts).
    uninstall: removeThen(["update-ca-certificates", "--fresh"]),
  },
  alpine: {
    label: "system store (Alpine: update-ca-certificates)",
    anchors: { dir: "/usr/local/share/ca-certificates", extension: ".crt" },
    bundle: "/etc/ssl/certs/ca-certificates.crt",
    install: copyThen(["update-ca-certificates"]),
    uninstall: removeThen(["update-ca-certificates"]),
  },
  fedora: {
    label: "system store (Fedora/RHEL: update-ca-trust)",
    anchors: { dir: "/etc/pki/ca-trust/source/anchors", extension: ".pem" },
    bundle: "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
    install: copyThen(["update-ca-trust", "extract"]),
    uninstall: removeThen(["update-ca-trust", "extract"]),
  },
  arch: {
    label: "system store (Arch: trust)",
    bundle: "/etc/ssl/certs/ca-certificates.crt",
    // p11-kit keeps its own copy and re-extracts the bundles itself.
    install: (ca) => [["trust", "anchor", "--store", ca.certPath]],
    uninstall: (ca) => [["trust", "anchor", "--remove", ca.certPath]],
  },
  opensuse: {
    label: "system store (openSUSE: update-ca-certificates)",
    anchors: { dir: "/usr/share/pki/trust/anchors", extension: ".pem" },
    bundle: "/var/lib/ca-certificates/ca-bundle.pem",
    install: copyThen(["update-ca-certificates"]),
    uninstall: removeThen(["update-ca-certificates"]),
  },
};

/** The system store of a Linux family (pure). */
export function linuxSystemStore(flavor: LinuxFlavor): TrustStore {
  const layout = LAYOUTS[flavor];
  const anchor = (ca: CaRef) =>
    layout.anchors && `${layout.anchors.dir}/${ca.name}${layout.anchors.extension}`;
  const steps = (argvs: string[][]): Step[] => argvs.map((argv) => ({ argv, sudo: true }));
  return {
    kind: "system",
    id: "system",
    label: layout.label,
    scope: "system",
    elevation: "sudo",
    trusted: (ca): Probe => ({ kind: "file", path: layout.bundle, includes: ca.pemBody }),
    removable: (ca): Probe =>
      layout.anchors
        ? { kind: "file", path: anchor(ca)! }
        : { kind: "file", path: layout.bundle, includes: ca.pemBody },
    install: (ca) => steps(layout.install(ca, anchor(ca))),
    uninstall: (ca) => steps(layout.uninstall(ca, anchor(ca))),
  };
}

/** Which family this machine's system store belongs to, by the folders and programs it has. */
export function detectLinuxFlavor(facts: MachineFacts): LinuxFlavor | undefined {
  const has = (dir: string) => facts.exists(dir);
  // Not only PATH: a user's PATH on Debian leaves out /usr/sbin, where these live.
  const program = (name: string) =>
    facts.which(name) ??
      ["/usr/sbin", "/usr/bin", "/sbin", "/bin"].find((dir) => has(`${dir}/${name}`));
  if (has("/etc/alpine-release") && has("/usr/local/share/ca-certificates")) return "alpine";
  if (has("/etc/pki/ca-trust/source/anchors") && program("update-ca-trust")) return "fedora";
  if (has("/usr/local/share/ca-certificates") && program("update-ca-certificates")) {
    return "debian";
  }
  if (has("/etc/ca-certificates/trust-source") && program("trust")) return "arch";
  if (has("/usr/share/pki/trust/anchors") && program("update-ca-certificates")) {
    return "opensuse";
  }
  return undefined;
}
