/**
 * The CA bundle a child gets through the variables that replace the default
 * roots (`SSL_CERT_FILE`, `REQUESTS_CA_BUNDLE`, `CURL_CA_BUNDLE`, ...): the
 * system roots followed by the local CA, because tunnelled hosts still need
 * the real roots. Variables that add to the defaults (`NODE_EXTRA_CA_CERTS`,
 * `DENO_CERT`) take `ca.pem` alone and need no bundle.
 */

import { dirname } from "node:path";
import { rootCertificates } from "node:tls";
import { ensurePrivateDir } from "../atomic_file.ts";

/** Where operating systems keep their PEM root bundle, in the order they are tried. */
export const SYSTEM_ROOT_FILES: readonly string[] = [
  "/etc/ssl/certs/ca-certificates.crt", // Debian, Ubuntu, Arch, Gentoo
  "/etc/pki/tls/certs/ca-bundle.crt", // Fedora, RHEL
  "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem", // CentOS, RHEL 7+
  "/etc/ssl/ca-bundle.pem", // openSUSE
  "/etc/pki/tls/cacert.pem", // OpenELEC
  "/etc/ssl/cert.pem", // Alpine, macOS, OpenBSD
  "/usr/local/share/certs/ca-root-nss.crt", // FreeBSD
  "/usr/local/etc/ssl/cert.pem", // FreeBSD (alternative)
];

/** Options for {@linkcode systemRoots}. */
export interface SystemRootsOptions {
  /** The parent's environment; its `SSL_CERT_FILE`, when set, is tried first. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The files to try after it; defaults to {@linkcode SYSTEM_ROOT_FILES}. */
  readonly files?: readonly string[];
  /** Whether to fall back on the runtime's bundled Mozilla roots (Windows has no file). */
  readonly bundledFallback?: boolean;
}

const BEGIN = "-----BEGIN CERTIFICATE-----";

/** The system root certificates as PEM text; empty when none are found. */
export async function systemRoots(options: SystemRootsOptions = {}): Promise<string> {
  const env = options.env ?? { SSL_CERT_FILE: Deno.env.get("SSL_CERT_FILE") };
  const candidates = [env.SSL_CERT_FILE, ...(options.files ?? SYSTEM_ROOT_FILES)];
  for (const path of candidates) {
    if (!path) continue;
    const text = await Deno.readTextFile(path).catch(() => "");
    if (text.includes(BEGIN)) return text;
  }
  if (options.bundledFallback ?? true) return rootCertificates.join("\n") + "\n";
  return "";
}

/**
 * Writes the system roots followed by `caPem` to `path` (mode 0600). Not
 * atomic and not synced: the bundle goes into a run's own new folder, is read
 * only after it is written, and is deleted when the run ends.
 */
export async function writeCaBundle(path: string, caPem: string, roots?: string): Promise<void> {
  const system = roots ?? await systemRoots();
  const head = system === "" || system.endsWith("\n") ? system : `${system}\n`;
  const ca = caPem.endsWith("\n") ? caPem : `${caPem}\n`;
  const text = `${head}${head === "" ? "" : "\n"}# authsome local CA\n${ca}`;
  await ensurePrivateDir(dirname(path));
  await Deno.writeTextFile(path, text, { mode: 0o600 });
}
