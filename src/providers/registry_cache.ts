/**
 * The registry's cache, `<cache>/providers.json`: the definitions that passed
 * the schema and the problems of the files that did not, stored under a key
 * that hashes authsome's version and the text and path of every provider file,
 * bundled and the user's. Editing, adding or removing a file changes the key;
 * a miss checks everything again and rewrites the file. A hit spares loading
 * zod and checking every definition, which was about half of `authsome run`'s
 * start-up (docs/BENCHMARKS.md). Nothing here is secret.
 */

import config from "../../deno.json" with { type: "json" };
import { join } from "node:path";
import { ensurePrivateDir } from "../atomic_file.ts";
import type { FileProblems, ProviderSource } from "./registry.ts";
import type { ProviderFile } from "./schema.ts";
import { encodeHex } from "../encoding.ts";

/**
 * Part of the key: bump it when the cached shape changes, or when a schema or
 * check changes what a file means between releases (a release changes the version).
 */
const FORMAT = 1;

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

/** The cache key of these inputs: SHA-256 over the version and every file, hex. */
export async function registryKey(
  bundled: readonly unknown[],
  user: readonly UserFile[],
): Promise<string> {
  const text = JSON.stringify([FORMAT, config.version, bundled, user]);
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return encodeHex(new Uint8Array(digest));
}

function cacheFile(dir: string): string {
  return join(dir, "providers.json");
}

/** The cached result for `key`, or undefined when there is none, it is unreadable or stale. */
export async function readRegistryCache(
  dir: string,
  key: string,
): Promise<CheckedFiles | undefined> {
  try {
    const cached = JSON.parse(await Deno.readTextFile(cacheFile(dir)));
    return cached?.key === key ? cached.checked : undefined;
  } catch {
    return undefined;
  }
}

/** Stores `checked` under `key`; best effort, since a lost cache only costs a check. */
export async function writeRegistryCache(
  dir: string,
  key: string,
  checked: CheckedFiles,
): Promise<void> {
  const file = cacheFile(dir);
  // A temporary name of its own, so two processes writing at once never mix their bytes.
  const temp = `${file}.${crypto.randomUUID()}.tmp`;
  try {
    await ensurePrivateDir(dir);
    await Deno.writeTextFile(temp, JSON.stringify({ key, checked }), { mode: 0o600 });
    await Deno.rename(temp, file);
  } catch {
    await Deno.remove(temp).catch(() => {});
  }
}
