/**
 * The vault file format, version 1: a JSON document with a plaintext header
 * (format, version, key source, KDF parameters) and a map of named records,
 * each AES-256-GCM with a fresh 96-bit nonce and `authsome-vault:v1:NAME` as
 * associated data, so a record copied under another name or edited on disk
 * fails to open.
 *
 * One file rather than a file per record: a write replaces the whole state in
 * one atomic rename, so a rekey or a refresh that touches several records is
 * never seen half done, and readers need no lock. Vaults hold a handful of
 * small records, so rewriting the file is cheap.
 */

import { AuthsomeError } from "../errors.ts";
import { decodeBase64, encodeBase64 } from "../encoding.ts";

/** The only format version this build reads and writes. */
export const FORMAT_VERSION = 1;
const FORMAT_NAME = "authsome-vault";
/**
 * The record that proves a key is the right one before anything is read or
 * written; it holds the names of all other records, so a deleted record is
 * noticed too.
 */
export const INDEX_RECORD = "index";

/** Where the master key comes from. */
export type KeySourceKind = "env" | "passphrase" | "keyring" | "file";

/** scrypt parameters stored with a passphrase-protected vault. */
export interface KdfParams {
  readonly name: "scrypt";
  readonly salt: string;
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

/** One encrypted record as stored. */
export interface SealedRecord {
  readonly nonce: string;
  readonly data: string;
}

/** The vault file as stored. */
export interface VaultFile {
  readonly format: typeof FORMAT_NAME;
  readonly version: number;
  readonly key_source: KeySourceKind;
  readonly kdf?: KdfParams;
  readonly records: Readonly<Record<string, SealedRecord>>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function additionalData(name: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(`${FORMAT_NAME}:v${FORMAT_VERSION}:${name}`);
}

/** Imports 32 raw bytes as an AES-256-GCM key. */
export function importKey(raw: Uint8Array<ArrayBuffer>): Promise<CryptoKey> {
  if (raw.length !== 32) throw new AuthsomeError("vault", "The vault key must be 32 bytes");
  return crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]);
}

/** Encrypts a JSON value as the record `name`. */
export async function seal(key: CryptoKey, name: string, value: unknown): Promise<SealedRecord> {
  const nonce = crypto.getRandomValues(new Uint8Array(12));
  const plaintext = encoder.encode(JSON.stringify(value));
  const data = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv: nonce, additionalData: additionalData(name) },
    key,
    plaintext,
  );
  return { nonce: encodeBase64(nonce), data: encodeBase64(new Uint8Array(data)) };
}

/** Decrypts the record `name`; throws a `vault` error when it was tampered with or the key is wrong. */
export async function open(key: CryptoKey, name: string, record: SealedRecord): Promise<unknown> {
  let plaintext: ArrayBuffer;
  try {
    plaintext = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: decodeBase64(record.nonce), additionalData: additionalData(name) },
      key,
      decodeBase64(record.data),
    );
  } catch (cause) {
    throw new AuthsomeError(
      "vault",
      `Vault record "${name}" does not open: it was modified or moved`,
      {
        hint: "Restore the vault from a backup, or remove it and log in again",
        cause,
      },
    );
  }
  return JSON.parse(decoder.decode(plaintext));
}

/** Parses the vault file's text, checking its shape and version. */
export function parseVaultFile(text: string, path: string): VaultFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw corrupt(path, "it is not valid JSON (truncated or overwritten?)");
  }
  if (!isRecord(raw) || raw.format !== FORMAT_NAME || typeof raw.version !== "number") {
    throw corrupt(path, "it is not an authsome vault");
  }
  if (raw.version > FORMAT_VERSION) {
    throw new AuthsomeError(
      "vault",
      `The vault "${path}" has format version ${raw.version}, newer than this authsome reads`,
      {
        hint: "Upgrade authsome",
      },
    );
  }
  if (raw.version !== FORMAT_VERSION || !isRecord(raw.records) || !isKeySource(raw.key_source)) {
    throw corrupt(path, "its header is damaged");
  }
  for (const [name, record] of Object.entries(raw.records)) {
    if (!isRecord(record) || typeof record.nonce !== "string" || typeof record.data !== "string") {
      throw corrupt(path, `record "${name}" is damaged`);
    }
  }
  return raw as unknown as VaultFile;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isKeySource(value: unknown): value is KeySourceKind {
  return value === "env" || value === "passphrase" || value === "keyring" || value === "file";
}

function corrupt(path: string, why: string): AuthsomeError {
  return new AuthsomeError("vault", `The vault "${path}" is corrupt: ${why}`, {
    hint: "Restore it from a backup, or move it aside and log in again",
  });
}
