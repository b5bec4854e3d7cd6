/**
 * The vault on disk: read a consistent snapshot without a lock (writes are
 * atomic renames), or update it under the lock, re-reading first so that
 * concurrent processes never lose each other's changes. A process that could
 * not read the vault never writes it.
 */

import { ensurePrivateDir, writeFileAtomic } from "../atomic_file.ts";
import { decodeBase64, encodeBase64 } from "../encoding.ts";
import { AuthsomeError } from "../errors.ts";
import { assertPrivatePath } from "../private_path.ts";
import {
  FORMAT_VERSION,
  INDEX_RECORD,
  type KdfParams,
  type KeySourceKind,
  open,
  parseVaultFile,
  seal,
  type SealedRecord,
  type VaultFile,
} from "./format.ts";
import {
  type KeyContext,
  keysForExisting,
  newKey,
  promotePending,
  PROMPT_TRIES,
  promptsForPassphrase,
} from "./key_sources.ts";
import { acquireLock } from "./lock.ts";

/** Decrypted records by name. */
export type Records = Map<string, unknown>;

/**
 * The record holding a random secret that authenticates files derived from
 * the home (the provider cache), so a program without the vault key cannot
 * forge them. Every write adds it when missing.
 */
export const CACHE_SECRET_RECORD = "cache_secret";

/** The vault's cache secret, if this vault has one yet. */
export function cacheSecret(records: Records): Uint8Array<ArrayBuffer> | undefined {
  const value = records.get(CACHE_SECRET_RECORD);
  return typeof value === "string" ? decodeBase64(value) : undefined;
}

/** What a read found. */
export interface Snapshot {
  /** The key source of the vault, or undefined when there is no vault yet. */
  readonly source?: KeySourceKind;
  readonly records: Records;
}

interface Opened {
  readonly file?: VaultFile;
  readonly key?: CryptoKey;
  /** The key that opened the vault is still pending from an unfinished rekey. */
  readonly pending?: boolean;
  readonly records: Records;
}

async function readFileText(path: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw new AuthsomeError(
      "vault",
      `Cannot read the vault "${path}": ${(error as Error).message}`,
      { cause: error },
    );
  }
}

async function openWith(
  key: CryptoKey,
  file: VaultFile,
  path: string,
): Promise<Records | undefined> {
  const index = file.records[INDEX_RECORD];
  if (!index) {
    throw new AuthsomeError("vault", `The vault "${path}" is corrupt: its index record is missing`);
  }
  let names: unknown;
  try {
    names = await open(key, INDEX_RECORD, index);
  } catch {
    return undefined;
  }
  const stored = Object.keys(file.records).filter((name) => name !== INDEX_RECORD).sort();
  if (!Array.isArray(names) || JSON.stringify([...names].sort()) !== JSON.stringify(stored)) {
    throw new AuthsomeError(
      "vault",
      `The vault "${path}" was modified: records were added or removed outside authsome`,
      {
        hint: "Restore it from a backup, or move it aside and log in again",
      },
    );
  }
  const records: Records = new Map();
  for (const name of stored) records.set(name, await open(key, name, file.records[name]));
  return records;
}

async function openVault(ctx: KeyContext): Promise<Opened> {
  await assertPrivatePath(ctx.paths.root);
  const path = ctx.paths.vault;
  const text = await readFileText(path);
  if (text === undefined) return { records: new Map() };
  const file = parseVaultFile(text, path);
  const prompted = file.key_source === "passphrase" && promptsForPassphrase(ctx);
  for (let attempt = 1; attempt <= (prompted ? PROMPT_TRIES : 1); attempt++) {
    const asking = attempt === 1 ? ctx : { ...ctx, askPassphrase: () => ctx.askPassphrase!(true) };
    const keys = await keysForExisting(file.key_source, file.kdf, asking);
    for (const [i, key] of keys.entries()) {
      const records = await openWith(key, file, path);
      if (records) return { file, key, records, pending: i > 0 };
    }
  }
  if (prompted) {
    throw new AuthsomeError(
      "vault",
      `Wrong passphrase for the vault "${path}": ${PROMPT_TRIES} tries at the prompt`,
      { hint: "Type the passphrase the vault was created (or last rekeyed) with" },
    );
  }
  throw new AuthsomeError(
    "vault",
    `Wrong key for the vault "${path}" (key source: ${file.key_source})`,
    {
      hint: file.key_source === "passphrase"
        ? "Check AUTHSOME_PASSPHRASE"
        : file.key_source === "env"
        ? "Check AUTHSOME_MASTER_KEY"
        : "The key does not match this vault; restore the key or the vault from a backup",
    },
  );
}

/** Reads the vault without taking the lock. */
export async function readVault(ctx: KeyContext): Promise<Snapshot> {
  const opened = await openVault(ctx);
  return { source: opened.file?.key_source, records: opened.records };
}

async function writeVault(
  ctx: KeyContext,
  key: CryptoKey,
  header: { key_source: KeySourceKind; kdf?: KdfParams },
  records: Records,
): Promise<void> {
  const sealed: Record<string, SealedRecord> = {};
  const names = [...records.keys()].sort();
  if (names.includes(INDEX_RECORD)) {
    throw new AuthsomeError("internal", `"${INDEX_RECORD}" is a reserved record name`);
  }
  sealed[INDEX_RECORD] = await seal(key, INDEX_RECORD, names);
  for (const name of names) sealed[name] = await seal(key, name, records.get(name));
  const file: VaultFile = {
    format: "authsome-vault",
    version: FORMAT_VERSION,
    ...header,
    records: sealed,
  };
  try {
    await writeFileAtomic(
      ctx.paths.vault,
      new TextEncoder().encode(JSON.stringify(file, null, 1)),
      {
        mode: 0o600,
        beforeRename: ctx.beforeRename,
      },
    );
  } catch (error) {
    throw new AuthsomeError(
      "vault",
      `Cannot write the vault "${ctx.paths.vault}": ${(error as Error).message}`,
      {
        hint: "Nothing was changed. Check free disk space and permissions",
        cause: error,
      },
    );
  }
}

/** Opens the vault under the lock, first finishing a rekey that stopped before its commit. */
async function openLocked(ctx: KeyContext): Promise<Opened> {
  const opened = await openVault(ctx);
  if (opened.pending && opened.file) await promotePending(opened.file.key_source, ctx);
  return opened;
}

/**
 * Runs `change` on the current records under the lock and writes the result.
 * `change` mutates the map it is given; its return value is passed through.
 */
export async function updateVault<T>(
  ctx: KeyContext,
  change: (records: Records) => T | Promise<T>,
): Promise<T> {
  await ensurePrivateDir(ctx.paths.root);
  using _lock = await acquireLock(ctx.paths.vaultLock);
  const opened = await openLocked(ctx);
  const result = await change(opened.records);
  if (!opened.records.has(CACHE_SECRET_RECORD)) {
    opened.records.set(
      CACHE_SECRET_RECORD,
      encodeBase64(crypto.getRandomValues(new Uint8Array(32))),
    );
  }
  if (opened.file && opened.key) {
    await writeVault(ctx, opened.key, opened.file, opened.records);
  } else {
    const fresh = await newKey(ctx);
    await writeVault(ctx, fresh.key, { key_source: fresh.kind, kdf: fresh.kdf }, opened.records);
  }
  return result;
}

/**
 * Re-encrypts every record under a new key from `to`, in one atomic write.
 * `target` supplies the new key's inputs (a new passphrase); it defaults to `ctx`.
 */
export async function rekeyVault(
  ctx: KeyContext,
  to: KeySourceKind,
  target: KeyContext = ctx,
): Promise<{ from: KeySourceKind; to: KeySourceKind }> {
  await ensurePrivateDir(ctx.paths.root);
  using _lock = await acquireLock(ctx.paths.vaultLock);
  const opened = await openLocked(ctx);
  if (!opened.file) {
    throw new AuthsomeError("not_found", "There is no vault to rekey yet", {
      hint: "Log in first: authsome login PROVIDER",
    });
  }
  const fresh = await newKey(target, to);
  await writeVault(ctx, fresh.key, { key_source: fresh.kind, kdf: fresh.kdf }, opened.records);
  await fresh.commit();
  const from = opened.file.key_source;
  if (from === "file" && fresh.kind !== "file") {
    await Deno.remove(ctx.paths.masterKey).catch(() => {});
  }
  if (from === "keyring" && fresh.kind !== "keyring") await ctx.keyring?.delete(ctx.paths.root);
  return { from, to: fresh.kind };
}
