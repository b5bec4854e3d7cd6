/**
 * Where the vault's master key comes from, first that applies for a new
 * vault: `AUTHSOME_MASTER_KEY`, `AUTHSOME_PASSPHRASE` (scrypt), the OS
 * keyring, a 0600 key file. An existing vault records its source, and only
 * that source can open it.
 */

import { AuthsomeError } from "../errors.ts";
import type { HomePaths } from "../home.ts";
import { decodeBase64, encodeBase64 } from "../encoding.ts";
import { importKey, type KdfParams, type KeySourceKind } from "./format.ts";
import type { Keyring } from "./keyring.ts";

/** What key resolution may use. */
export interface KeyContext {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly paths: HomePaths;
  readonly keyring?: Keyring;
  /** Asks for a passphrase on a terminal (`retry` after a wrong one); absent without one. */
  readonly askPassphrase?: (retry?: boolean) => Promise<string>;
  /** Runs before a new vault file replaces the old one (a test's pause); absent in the program. */
  readonly beforeRename?: () => Promise<void>;
}

/** A usable key and how to record it in the vault header. */
export interface ResolvedKey {
  readonly kind: KeySourceKind;
  readonly key: CryptoKey;
  readonly kdf?: KdfParams;
}

/** How many times a passphrase typed at the prompt may be wrong before authsome gives up. */
export const PROMPT_TRIES = 3;

/** Whether an existing vault's passphrase comes from the prompt rather than AUTHSOME_PASSPHRASE. */
export function promptsForPassphrase(ctx: KeyContext): boolean {
  return !ctx.env.AUTHSOME_PASSPHRASE && ctx.askPassphrase !== undefined;
}

/** scrypt cost for new vaults: N = 2^17, r = 8, p = 1 (OWASP's recommendation), about 0.5 s here. */
const DEFAULT_KDF = { N: 2 ** 17, r: 8, p: 1 } as const;

/** A human description of a key source, for doctor and errors. */
export function describeSource(kind: KeySourceKind, keyring?: Keyring): string {
  switch (kind) {
    case "env":
      return "AUTHSOME_MASTER_KEY";
    case "passphrase":
      return "AUTHSOME_PASSPHRASE (scrypt)";
    case "keyring":
      return keyring?.name ?? "OS keyring";
    case "file":
      return "key file";
    default: {
      const never: never = kind;
      return never;
    }
  }
}

function envKey(value: string): Uint8Array<ArrayBuffer> {
  let raw: Uint8Array<ArrayBuffer> | undefined;
  try {
    raw = decodeBase64(value.trim());
  } catch {
    raw = undefined;
  }
  if (raw?.length !== 32) {
    throw new AuthsomeError("vault", "AUTHSOME_MASTER_KEY must be base64 of 32 bytes", {
      hint: "Generate one with: openssl rand -base64 32",
    });
  }
  return raw;
}

/** Derives a key from a passphrase with scrypt. */
export async function deriveKey(
  passphrase: string,
  kdf: KdfParams,
): Promise<Uint8Array<ArrayBuffer>> {
  // node:crypto loads only for a passphrase, not on every command.
  const { scrypt } = await import("node:crypto");
  const maxmem = 256 * kdf.N * kdf.r;
  return await new Promise((resolve, reject) =>
    scrypt(
      passphrase,
      decodeBase64(kdf.salt),
      32,
      { N: kdf.N, r: kdf.r, p: kdf.p, maxmem },
      (error, key) => error ? reject(error) : resolve(new Uint8Array(key)),
    )
  );
}

async function passphrase(ctx: KeyContext): Promise<string | undefined> {
  const value = ctx.env.AUTHSOME_PASSPHRASE;
  if (value !== undefined && value !== "") return value;
  return await ctx.askPassphrase?.();
}

async function readKeyFile(path: string): Promise<Uint8Array<ArrayBuffer> | undefined> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
  if (info.mode !== null && (info.mode & 0o077) !== 0) {
    throw new AuthsomeError("vault", `The key file "${path}" can be read by other users`, {
      hint: `Run: chmod 600 "${path}"`,
    });
  }
  const raw = decodeBase64((await Deno.readTextFile(path)).trim());
  if (raw.length !== 32) throw new AuthsomeError("vault", `The key file "${path}" is damaged`);
  return raw;
}

/** Writes a new random key file (0600, never overwriting); returns its bytes. */
export async function createKeyFile(path: string): Promise<Uint8Array<ArrayBuffer>> {
  const raw = crypto.getRandomValues(new Uint8Array(32));
  using file = await Deno.open(path, { write: true, createNew: true, mode: 0o600 });
  await file.write(new TextEncoder().encode(`${encodeBase64(raw)}\n`));
  file.syncSync();
  return raw;
}

function locked(message: string, hint: string): AuthsomeError {
  return new AuthsomeError("vault", message, { hint });
}

/** Where a pending key waits during a rekey, until the vault written under it is in place. */
function pendingName(name: string): string {
  return `${name}.next`;
}

/**
 * The keys that may open an existing vault created with `kind`, most likely
 * first: a rekey that stopped between writing the vault and promoting its
 * new key leaves the new key pending, and it is tried second.
 */
export async function keysForExisting(
  kind: KeySourceKind,
  kdf: KdfParams | undefined,
  ctx: KeyContext,
): Promise<CryptoKey[]> {
  switch (kind) {
    case "env": {
      const value = ctx.env.AUTHSOME_MASTER_KEY;
      if (!value) {
        throw locked(
          "The vault is locked: it was created with AUTHSOME_MASTER_KEY",
          "Set AUTHSOME_MASTER_KEY to the same key",
        );
      }
      return [await importKey(envKey(value))];
    }
    case "passphrase": {
      const secret = await passphrase(ctx);
      if (!secret || !kdf) {
        throw locked(
          "The vault is locked: it is protected by a passphrase",
          "Set AUTHSOME_PASSPHRASE",
        );
      }
      return [await importKey(await deriveKey(secret, kdf))];
    }
    case "keyring": {
      const account = ctx.paths.root;
      const stored = ctx.keyring
        ? [await ctx.keyring.get(account), await ctx.keyring.get(pendingName(account))]
        : [];
      const keys = stored.filter((value): value is string => !!value);
      if (keys.length === 0) {
        throw locked(
          "The vault is locked: its key is in the OS keyring, which did not answer",
          "Unlock the keyring, or run authsome where it is available",
        );
      }
      return await Promise.all(keys.map((value) => importKey(decodeBase64(value))));
    }
    case "file": {
      const raws = [
        await readKeyFile(ctx.paths.masterKey),
        await readKeyFile(pendingName(ctx.paths.masterKey)),
      ]
        .filter((raw): raw is Uint8Array<ArrayBuffer> => raw !== undefined);
      if (raws.length === 0) {
        throw locked(
          `The vault's key file "${ctx.paths.masterKey}" is missing`,
          "Restore it from a backup; without it the vault cannot be opened",
        );
      }
      return await Promise.all(raws.map(importKey));
    }
    default: {
      const never: never = kind;
      return never;
    }
  }
}

/** A new key, and how to make it the current one once the vault is written under it. */
export interface NewKey extends ResolvedKey {
  /** Promotes a pending key (rekey) to the current one; a no-op for env and passphrase. */
  commit(): Promise<void>;
}

const noCommit = () => Promise.resolve();

/**
 * A key for a new vault (first source that applies) or for a rekey (`to`).
 * A rekeyed file or keyring key stays pending until `commit()`, so a crash
 * in between leaves both keys and a vault that one of them opens.
 */
export async function newKey(ctx: KeyContext, to?: KeySourceKind): Promise<NewKey> {
  const rekey = to !== undefined;
  const wanted = to ??
    (ctx.env.AUTHSOME_MASTER_KEY ? "env" : ctx.env.AUTHSOME_PASSPHRASE ? "passphrase" : undefined);
  if (wanted === "env") {
    return {
      kind: "env",
      key: await importKey(envKey(ctx.env.AUTHSOME_MASTER_KEY ?? "")),
      commit: noCommit,
    };
  }
  if (wanted === "passphrase") {
    const secret = await passphrase(ctx);
    if (!secret) throw locked("No passphrase given", "Set AUTHSOME_PASSPHRASE");
    const salt = encodeBase64(crypto.getRandomValues(new Uint8Array(16)));
    const kdf: KdfParams = { name: "scrypt", salt, ...DEFAULT_KDF };
    return {
      kind: "passphrase",
      key: await importKey(await deriveKey(secret, kdf)),
      kdf,
      commit: noCommit,
    };
  }
  const keyring = ctx.keyring;
  if (wanted !== "file" && keyring && (await keyring.available())) {
    const raw = crypto.getRandomValues(new Uint8Array(32));
    const account = ctx.paths.root;
    await keyring.set(rekey ? pendingName(account) : account, encodeBase64(raw));
    const commit = rekey
      ? async () => {
        await keyring.set(account, encodeBase64(raw));
        await keyring.delete(pendingName(account));
      }
      : noCommit;
    return { kind: "keyring", key: await importKey(raw), commit };
  }
  if (wanted === "keyring") {
    throw locked("No OS keyring answers on this machine", "Use --to file or --to passphrase");
  }
  const path = ctx.paths.masterKey;
  if (!rekey) {
    const raw = await readKeyFile(path) ?? await createKeyFile(path);
    return { kind: "file", key: await importKey(raw), commit: noCommit };
  }
  await Deno.remove(pendingName(path)).catch(() => {});
  const raw = await createKeyFile(pendingName(path));
  return {
    kind: "file",
    key: await importKey(raw),
    commit: () => Deno.rename(pendingName(path), path),
  };
}

/** Makes a pending key (left by a rekey that stopped before its commit) the current one. */
export async function promotePending(kind: KeySourceKind, ctx: KeyContext): Promise<void> {
  if (kind === "file") {
    await Deno.rename(pendingName(ctx.paths.masterKey), ctx.paths.masterKey);
  } else if (kind === "keyring" && ctx.keyring) {
    const pending = await ctx.keyring.get(pendingName(ctx.paths.root));
    if (!pending) return;
    await ctx.keyring.set(ctx.paths.root, pending);
    await ctx.keyring.delete(pendingName(ctx.paths.root));
  }
}
