/**
 * The local certificate authority: an ECDSA P-256 key (`ca.key`, 0600) and a
 * self-signed certificate (`ca.pem`, 0644) in the CA folder, created on first
 * use. The key is published before the certificate, so a folder that has
 * `ca.pem` always has its key; two processes creating the CA at once end up
 * with the same one.
 */

import { generateKeyPairSync, type KeyObject, X509Certificate } from "node:crypto";
import { userInfo } from "node:os";
import { join } from "node:path";
import { ensurePrivateDir, writeFileAtomic } from "../atomic_file.ts";
import { AuthsomeError } from "../errors.ts";
import { createFileOnce, loadOrCreateKey, readKey } from "./key_file.ts";
import {
  encodeNameConstraints,
  NAME_CONSTRAINTS_OID,
  type NameConstraints,
  nameConstraintsOf,
} from "./name_constraints.ts";
import {
  buildCertificate,
  certificateParts,
  derToPem,
  describeKey,
  OID,
  pemToDer,
  randomSerial,
} from "./x509.ts";
import { DAY_MS } from "../durations.ts";

/** How long a new CA certificate is valid, in days (about ten years). */
export const CA_VALIDITY_DAYS = 3650;

/** The files of the CA folder. */
export interface CaPaths {
  /** The folder itself (mode 0700). */
  readonly dir: string;
  /** The CA certificate, PEM (0644). */
  readonly cert: string;
  /** The CA private key, PKCS#8 PEM (0600). */
  readonly key: string;
  /** The one private key of every leaf certificate (0600). */
  readonly leafKey: string;
  /** The on-disk cache of leaf certificates, one `<host>.pem` a host. */
  readonly leaves: string;
}

/**
 * The local CA's certificate, loaded without its private key: what trust
 * stores, the CA bundle and checking a cached leaf need.
 */
export interface CaCertificate {
  /** Where its files are. */
  readonly paths: CaPaths;
  /** The certificate, PEM. */
  readonly certPem: string;
  /** The certificate, DER. */
  readonly certDer: Uint8Array;
  /** The certificate, parsed by `node:crypto`. */
  readonly cert: X509Certificate;
  /** The certificate's subject Name, DER: the issuer of every leaf. */
  readonly subject: Uint8Array;
  /** The certificate's Subject Key Identifier: the Authority Key Identifier of every leaf. */
  readonly keyId: Uint8Array;
  /** The public key, to check that a leaf was issued by this CA. */
  readonly publicKey: KeyObject;
  /** The names the CA may certify; undefined for a CA without name constraints. */
  readonly permitted?: NameConstraints;
}

/** The local CA with its private key: what issuing leaves needs. */
export interface Ca extends CaCertificate {
  /** The private key that signs leaves. */
  readonly privateKey: KeyObject;
}

/** Options for {@linkcode loadOrCreateCa}. */
export interface CaOptions {
  /** Who the CA belongs to, `user@host` in its common name; defaults to this user and machine. */
  readonly owner?: string;
  /** The clock, for a new certificate's validity. */
  readonly now?: Date;
  /** The names a new CA may certify (RFC 5280 §4.2.1.10); without them it is unconstrained. */
  readonly permitted?: NameConstraints;
}

/** The paths of the files in the CA folder `caDir`. */
export function caPaths(caDir: string): CaPaths {
  return {
    dir: caDir,
    cert: join(caDir, "ca.pem"),
    key: join(caDir, "ca.key"),
    leafKey: join(caDir, "leaf.key"),
    leaves: join(caDir, "leaves"),
  };
}

/** Loads the CA from `caDir`, creating the folder, key and certificate on first use. */
export async function loadOrCreateCa(caDir: string, options: CaOptions = {}): Promise<Ca> {
  const paths = caPaths(caDir);
  await ensurePrivateDir(caDir);
  for (let attempt = 0; attempt < 3; attempt++) {
    const existing = await loadCa(paths);
    if (existing) return existing;
    const key = await loadOrCreateKey(paths.key);
    const der = await selfSign(key, {
      owner: options.owner ?? defaultOwner(),
      now: options.now ?? new Date(),
      permitted: options.permitted,
    });
    const pem = derToPem(der);
    if (await createFileOnce(paths.cert, new TextEncoder().encode(pem), 0o644)) {
      return caFrom(paths, pem, key);
    }
  }
  throw new AuthsomeError("internal", `Cannot create the CA in "${caDir}"`);
}

/**
 * Replaces the CA in `caDir` with a new key and certificate, and drops the
 * cached leaves of the old one. The key is replaced before the certificate,
 * each atomically: a reader in between finds a mismatch and fails, never a
 * CA it did not expect. The old certificate is the caller's to keep.
 */
export async function replaceCa(caDir: string, options: CaOptions = {}): Promise<Ca> {
  const paths = caPaths(caDir);
  await ensurePrivateDir(caDir);
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const pem = derToPem(
    await selfSign(privateKey, {
      owner: options.owner ?? defaultOwner(),
      now: options.now ?? new Date(),
      permitted: options.permitted,
    }),
  );
  const keyPem = privateKey.export({ type: "pkcs8", format: "pem" }) as string;
  await writeFileAtomic(paths.key, new TextEncoder().encode(keyPem), { mode: 0o600 });
  await writeFileAtomic(paths.cert, new TextEncoder().encode(pem), { mode: 0o644 });
  await Deno.remove(paths.leaves, { recursive: true }).catch(() => {});
  return caFrom(paths, pem, privateKey);
}

/** Loads the CA from `paths` with its key; undefined when it has no certificate yet. */
export async function loadCa(paths: CaPaths): Promise<Ca | undefined> {
  const certificate = await loadCaCertificate(paths);
  return certificate && await withCaKey(certificate);
}

/**
 * Loads the CA's certificate from `paths`, and checks that its key file is
 * there without reading it (reading it is {@linkcode withCaKey}'s); undefined
 * when there is no certificate yet.
 */
export async function loadCaCertificate(paths: CaPaths): Promise<CaCertificate | undefined> {
  let pem: string;
  try {
    pem = await Deno.readTextFile(paths.cert);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw new AuthsomeError("invalid", `Cannot read the CA certificate "${paths.cert}"`, {
      cause: error,
    });
  }
  const present = await Deno.stat(paths.key).then(() => true, (error) => {
    if (error instanceof Deno.errors.NotFound) return false;
    throw new AuthsomeError("invalid", `Cannot read the key "${paths.key}"`, { cause: error });
  });
  if (!present) throw missingKey(paths);
  return certificateFrom(paths, pem);
}

/** `ca` with its private key, read from its folder; fails unless the key is the certificate's. */
export async function withCaKey(ca: CaCertificate): Promise<Ca> {
  const { paths } = ca;
  const privateKey = await readKey(paths.key);
  if (!privateKey) throw missingKey(paths);
  if (!ca.cert.checkPrivateKey(privateKey)) {
    throw new AuthsomeError("invalid", `The CA key "${paths.key}" does not match "${paths.cert}"`, {
      hint: `Move "${paths.dir}" aside, then run: authsome cert install`,
    });
  }
  return { ...ca, privateKey };
}

function missingKey(paths: CaPaths): AuthsomeError {
  return new AuthsomeError("invalid", `The CA key "${paths.key}" is missing`, {
    hint: `Move "${paths.dir}" aside, then run: authsome cert install`,
  });
}

/** A CA this process just made: `privateKey` is the one it signed `pem` with. */
function caFrom(paths: CaPaths, pem: string, privateKey: KeyObject): Ca {
  return { ...certificateFrom(paths, pem), privateKey };
}

function certificateFrom(paths: CaPaths, pem: string): CaCertificate {
  let cert: X509Certificate;
  let parts: ReturnType<typeof certificateParts>;
  const certDer = pemToDer(pem);
  try {
    cert = new X509Certificate(certDer);
    parts = certificateParts(certDer);
  } catch (error) {
    throw new AuthsomeError("invalid", `The CA certificate "${paths.cert}" cannot be parsed`, {
      cause: error,
      hint: `Move "${paths.dir}" aside, then run: authsome cert install`,
    });
  }
  const publicKey = cert.publicKey;
  return {
    paths,
    certPem: pem,
    certDer,
    cert,
    subject: parts.subject,
    keyId: parts.subjectKeyId ?? describeKey(publicKey).keyId,
    publicKey,
    permitted: nameConstraintsOf(certDer),
  };
}

/** A self-signed CA certificate for `key` (RFC 5280 §4.2.1.9, §4.2.1.3, §4.2.1.2, §4.2.1.10). */
function selfSign(
  key: KeyObject,
  { owner, now, permitted }: { owner: string; now: Date; permitted?: NameConstraints },
): Promise<Uint8Array> {
  // ub-common-name is 64 characters (RFC 5280 Appendix A.1).
  const commonName = `authsome local CA (${owner.slice(0, 44)})`;
  return buildCertificate({
    serial: randomSerial(),
    issuer: "subject",
    notBefore: new Date(now.getTime() - DAY_MS),
    notAfter: new Date(now.getTime() + CA_VALIDITY_DAYS * DAY_MS),
    subject: [[OID.organizationName, "authsome"], [OID.commonName, commonName]],
    subjectKey: key,
    extensions: [
      { kind: "basicConstraints", ca: true, pathLen: 0 },
      { kind: "keyUsage", bits: ["keyCertSign", "cRLSign"] },
      { kind: "subjectKeyId", keyId: describeKey(key).keyId },
      // Critical, as §4.2.1.10 requires: a client that cannot enforce it must refuse the CA.
      ...(permitted
        ? [{
          kind: "der" as const,
          oid: NAME_CONSTRAINTS_OID,
          critical: true,
          value: encodeNameConstraints(permitted),
        }]
        : []),
    ],
  }, key);
}

function defaultOwner(): string {
  let user = "user";
  let host = "localhost";
  try {
    user = userInfo().username || user;
  } catch { /* no passwd entry: keep the default */ }
  try {
    host = Deno.hostname().split(".")[0] || host;
  } catch { /* no hostname: keep the default */ }
  return `${user}@${host}`;
}
