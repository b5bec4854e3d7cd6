/**
 * The registry's cache, `<cache>/providers.json`: the definitions that passed
 * the schema and the problems of the files that did not, stored under a key
 * that hashes authsome's version and the text and path of every provider file,
 * bundled and the user's. Editing, adding or removing a file changes the key;
 * a miss checks everything again and rewrites the file. A hit spares loading
 * zod and checking every definition, which was about half of `authsome run`'s
 * start-up (docs/BENCHMARKS.md).
 *
 * A program of the same user can write this file, and what it holds decides
 * what the proxy intercepts, so it is authenticated: HMAC-SHA256 under a
 * random secret kept in the encrypted vault (`CACHE_SECRET_RECORD`). Without
 * the vault key no one can write an entry that is accepted; an entry whose MAC
 * does not verify is ignored and rebuilt. Commands that do not open the vault
 * check the files without the cache.
 */

import config from "../../deno.json" with { type: "json" };
import { join } from "node:path";
import { ensurePrivateDir } from "../atomic_file.ts";
import type { ProviderFile } from "./schema.ts";
import type { Problem } from "../schema_problems.ts";
import { encodeHex } from "../encoding.ts";

/**
 * Part of the key: bump it when the cached shape changes, or when a schema or
 * check changes what a file means between releases (a release changes the version).
 */
const FORMAT = 2;

/** Where a definition came from. */
export type ProviderSource = { readonly kind: "bundled" } | {
  readonly kind: "user";
  readonly path: string;
};

/** The problems of one file that could not be loaded. */
export interface FileProblems {
  readonly file: string;
  readonly problems: readonly Problem[];
}

/** A definition that passed every check, and where it came from. */
export interface CachedProvider {
  readonly definition: ProviderFile;
  readonly source: ProviderSource;
}

/** What checking every provider file found. */
export interface CheckedFiles {
  readonly providers: readonly CachedProvider[];
  readonly broken: readonly FileProblems[];
}

/** A provider file of the user's, read. */
export interface UserFile {
  readonly path: string;
  readonly text: string;
}

/**
 * The cache key of these inputs: SHA-256 over the version, the bundled
 * definitions' digest (bundled_digest.ts) and every user file, hex.
 */
export async function registryKey(
  bundledDigest: string,
  user: readonly UserFile[],
): Promise<string> {
  const text = JSON.stringify([FORMAT, config.version, bundledDigest, user]);
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return encodeHex(new Uint8Array(digest));
}

function cacheFile(dir: string): string {
  return join(dir, "providers.json");
}

function macKey(secret: Uint8Array<ArrayBuffer>): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", secret, { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
    "verify",
  ]);
}

/**
 * The cached result for `key`, or undefined when there is none, it is
 * unreadable, stale, or its MAC under `secret` does not verify.
 */
export async function readRegistryCache(
  dir: string,
  key: string,
  secret: Uint8Array<ArrayBuffer>,
): Promise<CheckedFiles | undefined> {
  try {
    const stored = JSON.parse(await Deno.readTextFile(cacheFile(dir)));
    if (typeof stored?.body !== "string" || typeof stored?.mac !== "string") return undefined;
    const mac = Uint8Array.from(atob(stored.mac), (c) => c.charCodeAt(0));
    const body = new TextEncoder().encode(stored.body);
    if (!(await crypto.subtle.verify("HMAC", await macKey(secret), mac, body))) return undefined;
    const cached = JSON.parse(stored.body);
    return cached?.key === key ? cached.checked : undefined;
  } catch {
    return undefined;
  }
}

/** Stores `checked` under `key`, MACed with `secret`; best effort, since a lost cache only costs a check. */
export async function writeRegistryCache(
  dir: string,
  key: string,
  checked: CheckedFiles,
  secret: Uint8Array<ArrayBuffer>,
): Promise<void> {
  const file = cacheFile(dir);
  // A temporary name of its own, so two processes writing at once never mix their bytes.
  const temp = `${file}.${crypto.randomUUID()}.tmp`;
  try {
    await ensurePrivateDir(dir);
    const body = JSON.stringify({ key, checked });
    const mac = new Uint8Array(
      await crypto.subtle.sign("HMAC", await macKey(secret), new TextEncoder().encode(body)),
    );
    const text = JSON.stringify({ body, mac: btoa(String.fromCharCode(...mac)) });
    await Deno.writeTextFile(temp, text, { mode: 0o600 });
    await Deno.rename(temp, file);
  } catch {
    await Deno.remove(temp).catch(() => {});
  }
}
