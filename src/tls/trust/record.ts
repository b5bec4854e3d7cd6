/**
 * Where each CA of this home was installed (`<caDir>/installed.json`), so
 * `authsome cert rotate` can take the old CA out of every store it went into
 * and put the new one there, even a store whose probe cannot see it (a
 * database another user owns). Keyed by the CA's SHA-256; store ids as
 * {@linkcode TrustStore.id}.
 */

import { join } from "node:path";
import { writeFileAtomic } from "../../atomic_file.ts";
import type { TrustStore } from "./plan.ts";

/** The file name of the record in the CA folder. */
export const RECORD_FILE = "installed.json";

type Record = { [sha256: string]: string[] };

/** The store ids each CA (by SHA-256) was installed in. */
export async function readInstalled(caDir: string): Promise<Record> {
  try {
    const parsed = JSON.parse(await Deno.readTextFile(join(caDir, RECORD_FILE)));
    if (parsed && typeof parsed.installed === "object") return parsed.installed as Record;
  } catch {
    // No record, or a damaged one: the stores' probes still tell most of it.
  }
  return {};
}

/** Adds and removes store ids for the CA `sha256`, and writes the record atomically. */
export async function updateInstalled(
  caDir: string,
  sha256: string,
  change: { readonly add?: readonly string[]; readonly remove?: readonly string[] },
): Promise<void> {
  const installed = await readInstalled(caDir);
  const ids = new Set(installed[sha256] ?? []);
  for (const id of change.add ?? []) ids.add(id);
  for (const id of change.remove ?? []) ids.delete(id);
  if (ids.size === 0) delete installed[sha256];
  else installed[sha256] = [...ids].sort();
  const text = `${JSON.stringify({ version: 1, installed }, null, 2)}\n`;
  await writeFileAtomic(join(caDir, RECORD_FILE), new TextEncoder().encode(text), { mode: 0o644 });
}

/** The stores among `stores` the record lists for the CA `sha256`. */
export function recordedStores(
  installed: Record,
  sha256: string,
  stores: readonly TrustStore[],
): TrustStore[] {
  const ids = new Set(installed[sha256] ?? []);
  return stores.filter((store) => ids.has(store.id));
}
