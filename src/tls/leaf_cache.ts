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
import { type Ca, caPaths, loadOrCreateCa } from "./ca.ts";
import { issueLeaf, LEAF_VALIDITY_DAYS, loadOrCreateLeafKey, normalizeHost } from "./leaf.ts";
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
  readonly ca: Ca;
  /** The one key of every leaf. */
  readonly leafKey: KeyObject;
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
  readonly #ca: Ca;
  readonly #leafKey: KeyObject;
  readonly #keyPem: string;
  readonly #dir: string;
  readonly #now: () => Date;
  readonly #entries = new Map<string, Entry>();

  constructor(options: LeafCacheOptions) {
    this.#ca = options.ca;
    this.#leafKey = options.leafKey;
    this.#keyPem = options.leafKey.export({ type: "pkcs8", format: "pem" }) as string;
    this.#dir = options.dir;
    this.#now = options.now ?? (() => new Date());
  }

  /** The CA that signs the leaves. */
  get ca(): Ca {
    return this.#ca;
  }

  /**
   * Opens the cache of the CA folder `caDir`, creating the CA (constrained to
   * `permitted` when given) and the leaf key on first use.
   */
  static async open(
    caDir: string,
    now?: () => Date,
    permitted?: NameConstraints,
  ): Promise<LeafCache> {
    const ca = await loadOrCreateCa(caDir, { now: now?.(), permitted });
    const leafKey = await loadOrCreateLeafKey(caDir);
    return new LeafCache({ ca, leafKey, dir: caPaths(caDir).leaves, now });
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
    const name = normalizeHost(host);
    const known = this.#entries.get(name);
    if (known && known.renewAt > this.#now().getTime()) return known;
    const entry: Entry = {
      pair: this.#find(name).then(({ certPem, renewAt }) => {
        entry.renewAt = renewAt;
        return { certPem, keyPem: this.#keyPem };
      }),
      renewAt: Infinity,
    };
    entry.pair.catch(() => {
      if (this.#entries.get(name) === entry) this.#entries.delete(name);
    });
    this.#entries.set(name, entry);
    return entry;
  }

  async #find(name: string): Promise<{ certPem: string; renewAt: number }> {
    // IPv6 names hold colons, which Windows forbids in file names; no DNS name holds "[".
    const file = join(
      this.#dir,
      name.includes(":") ? `[${name.replaceAll(":", "-")}].pem` : `${name}.pem`,
    );
    const cached = await Deno.readTextFile(file).catch(() => undefined);
    const renewAt = cached === undefined ? undefined : this.#renewAt(cached, name);
    if (cached !== undefined && renewAt !== undefined) return { certPem: cached, renewAt };
    const now = this.#now();
    const certPem = await issueLeaf(this.#ca, name, this.#leafKey, now);
    try {
      await ensurePrivateDir(this.#dir);
      await writeFileAtomic(file, new TextEncoder().encode(certPem), { mode: 0o600 });
    } catch {
      // The disk cache only saves a mint; another process may be writing the same host.
    }
    return { certPem, renewAt: now.getTime() + (LEAF_VALIDITY_DAYS - LEAF_RENEW_DAYS) * DAY_MS };
  }

  /** When a cached certificate must be issued again; undefined when it must be now. */
  #renewAt(certPem: string, name: string): number | undefined {
    try {
      const cert = new X509Certificate(certPem);
      const renewAt = Date.parse(cert.validTo) - LEAF_RENEW_DAYS * DAY_MS;
      const now = this.#now().getTime();
      if (Date.parse(cert.validFrom) > now || renewAt <= now) return undefined;
      const named = isIP(name) ? cert.checkIP(name) : cert.checkHost(name);
      if (named === undefined) return undefined;
      if (!cert.checkIssued(this.#ca.cert) || !cert.verify(this.#ca.publicKey)) return undefined;
      const certKey = cert.publicKey.export({ type: "spki", format: "der" });
      if (!certKey.equals(describeKey(this.#leafKey).spki)) return undefined;
      return renewAt;
    } catch {
      return undefined;
    }
  }
}
