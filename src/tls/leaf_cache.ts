/**
 * Leaf certificates by host, cached in memory and on disk
 * (`<caDir>/leaves/<host>.pem`, 0600), so a host costs one mint per machine
 * rather than one per connection. A cached certificate is used only while it
 * is valid for more than a week, was signed by the current CA, and certifies
 * the current leaf key; otherwise it is issued again. Concurrent requests for
 * one host share one mint.
 */

import { type KeyObject, X509Certificate } from "node:crypto";
import { isIP } from "node:net";
import { createSecureContext, type SecureContext } from "node:tls";
import { join } from "node:path";
import { ensurePrivateDir, writeFileAtomic } from "../atomic_file.ts";
import {
  type Ca,
  type CaCertificate,
  caPaths,
  loadCaCertificate,
  loadOrCreateCa,
  withCaKey,
} from "./ca.ts";
import { issueLeaf, LEAF_VALIDITY_DAYS, leafHostName, loadOrCreateLeafKey } from "./leaf.ts";
import type { NameConstraints } from "./name_constraints.ts";
import { describeKey } from "./x509.ts";
import { DAY_MS } from "../durations.ts";

/** A cached leaf is issued again when it expires within this many days. */
export const LEAF_RENEW_DAYS = 7;

/** A leaf certificate and its key, both PEM, ready for `tls.createServer`. */
export interface LeafPair {
  readonly certPem: string;
  readonly keyPem: string;
}

/** What a {@linkcode LeafCache} needs. */
export interface LeafCacheOptions {
  readonly ca: CaCertificate;
  /** The CA with its private key, asked for only when a leaf must be minted. */
  readonly signer: () => Promise<Ca>;
  /** The one key of every leaf, asked for on first use. */
  readonly leafKey: () => Promise<KeyObject>;
  /** The folder of the on-disk cache. */
  readonly dir: string;
  /** The clock; defaults to the system's. */
  readonly now?: () => Date;
}

interface Entry {
  readonly pair: Promise<LeafPair>;
  /** The TLS server context of the pair, made on first use. */
  context?: Promise<SecureContext>;
  /** When to issue again; Infinity until the pair is known. */
  renewAt: number;
}

/** Leaf certificates by host, minted on first use and cached in memory and on disk. */
export class LeafCache {
  readonly #ca: CaCertificate;
  readonly #signer: () => Promise<Ca>;
  readonly #leafKey: () => Promise<KeyObject>;
  #signing?: Promise<Ca>;
  #leaf?: Promise<{ key: KeyObject; pem: string }>;
  readonly #dir: string;
  readonly #now: () => Date;
  readonly #entries = new Map<string, Entry>();

  constructor(options: LeafCacheOptions) {
    this.#ca = options.ca;
    this.#signer = options.signer;
    this.#leafKey = options.leafKey;
    this.#dir = options.dir;
    this.#now = options.now ?? (() => new Date());
  }

  /** The CA that signs the leaves. */
  get ca(): CaCertificate {
    return this.#ca;
  }

  /**
   * Opens the cache of the CA folder `caDir`, creating the CA (constrained to
   * `permitted` when given) on first use. An existing CA's private key is read
   * only when a leaf must be minted, and the leaf key (made on first use) when
   * a leaf is first asked for: a run that serves cached leaves, or none, does
   * neither.
   */
  static async open(
    caDir: string,
    now?: () => Date,
    permitted?: NameConstraints,
  ): Promise<LeafCache> {
    const existing = await loadCaCertificate(caPaths(caDir));
    const made = existing ? undefined : await loadOrCreateCa(caDir, { now: now?.(), permitted });
    const ca = existing ?? made!;
    return new LeafCache({
      ca,
      signer: () => made ? Promise.resolve(made) : withCaKey(ca),
      leafKey: () => loadOrCreateLeafKey(caDir),
      dir: caPaths(caDir).leaves,
      now,
    });
  }

  /** The certificate and key for `host`, from memory, from disk, or freshly issued. */
  get(host: string): Promise<LeafPair> {
    try {
      return this.#entry(host).pair;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** A TLS server context for `host`, made once per leaf, so a renewed leaf gets a new one. */
  context(host: string): Promise<SecureContext> {
    let entry: Entry;
    try {
      entry = this.#entry(host);
    } catch (error) {
      return Promise.reject(error);
    }
    entry.context ??= entry.pair.then((pair) =>
      createSecureContext({ cert: pair.certPem, key: pair.keyPem })
    );
    return entry.context;
  }

  #entry(host: string): Entry {
    const name = leafHostName(host);
    const known = this.#entries.get(name);
    if (known && known.renewAt > this.#now().getTime()) return known;
    const entry: Entry = {
      pair: this.#find(name).then(({ certPem, keyPem, renewAt }) => {
        entry.renewAt = renewAt;
        return { certPem, keyPem };
      }),
      renewAt: Infinity,
    };
    entry.pair.catch(() => {
      if (this.#entries.get(name) === entry) this.#entries.delete(name);
    });
    this.#entries.set(name, entry);
    return entry;
  }

  /** The leaf key and its PEM, read (or made) once. */
  #leafKeyPair(): Promise<{ key: KeyObject; pem: string }> {
    this.#leaf ??= this.#leafKey().then((key) => ({
      key,
      pem: key.export({ type: "pkcs8", format: "pem" }) as string,
    }));
    return this.#leaf;
  }

  async #find(name: string): Promise<{ certPem: string; keyPem: string; renewAt: number }> {
    const leafKey = await this.#leafKeyPair();
    // IPv6 names hold colons, which Windows forbids in file names; no DNS name holds "[".
    const file = join(
      this.#dir,
      name.includes(":") ? `[${name.replaceAll(":", "-")}].pem` : `${name}.pem`,
    );
    const cached = await Deno.readTextFile(file).catch(() => undefined);
    const renewAt = cached === undefined ? undefined : this.#renewAt(cached, name, leafKey.key);
    if (cached !== undefined && renewAt !== undefined) {
      return { certPem: cached, keyPem: leafKey.pem, renewAt };
    }
    const now = this.#now();
    this.#signing ??= this.#signer();
    const certPem = await issueLeaf(await this.#signing, name, leafKey.key, now);
    try {
      await ensurePrivateDir(this.#dir);
      await writeFileAtomic(file, new TextEncoder().encode(certPem), { mode: 0o600 });
    } catch {
      // The disk cache only saves a mint; another process may be writing the same host.
    }
    return {
      certPem,
      keyPem: leafKey.pem,
      renewAt: now.getTime() + (LEAF_VALIDITY_DAYS - LEAF_RENEW_DAYS) * DAY_MS,
    };
  }

  /** When a cached certificate must be issued again; undefined when it must be now. */
  #renewAt(certPem: string, name: string, leafKey: KeyObject): number | undefined {
    try {
      const cert = new X509Certificate(certPem);
      const renewAt = Date.parse(cert.validTo) - LEAF_RENEW_DAYS * DAY_MS;
      const now = this.#now().getTime();
      if (Date.parse(cert.validFrom) > now || renewAt <= now) return undefined;
      const named = isIP(name) ? cert.checkIP(name) : cert.checkHost(name);
      if (named === undefined) return undefined;
      if (!cert.checkIssued(this.#ca.cert) || !cert.verify(this.#ca.publicKey)) return undefined;
      const certKey = cert.publicKey.export({ type: "spki", format: "der" });
      if (!certKey.equals(describeKey(leafKey).spki)) return undefined;
      return renewAt;
    } catch {
      return undefined;
    }
  }
}
