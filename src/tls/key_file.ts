/**
 * Files that are created once and never replaced: the CA key, the CA
 * certificate and the leaf key. The bytes go to a uniquely named temporary
 * file with their final mode, are fsync'ed, and are then hard-linked to the
 * final name. A link fails when the name exists, so of two processes racing
 * the first wins and the second reads the winner's file; a reader never sees
 * a half-written one.
 */

import { dirname } from "node:path";
import { createPrivateKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { AuthsomeError } from "../errors.ts";
import { describeKey } from "./x509.ts";

/** Creates `path` with `data` and `mode` unless it exists; true when this call created it. */
export async function createFileOnce(
  path: string,
  data: Uint8Array,
  mode: number,
): Promise<boolean> {
  const temp = `${path}.${crypto.randomUUID()}.tmp`;
  try {
    {
      using file = await Deno.open(temp, { write: true, createNew: true, mode });
      let rest = data;
      while (rest.length > 0) rest = rest.subarray(await file.write(rest));
      await file.sync();
    }
    try {
      await Deno.link(temp, path);
    } catch (error) {
      if (error instanceof Deno.errors.AlreadyExists) return false;
      throw error;
    }
    if (Deno.build.os !== "windows") {
      using dir = await Deno.open(dirname(path), { read: true });
      await dir.sync();
    }
    return true;
  } finally {
    await Deno.remove(temp).catch(() => {});
  }
}

/** Reads the private key at `path`, or creates an ECDSA P-256 key there (mode 0600). */
export async function loadOrCreateKey(path: string): Promise<KeyObject> {
  const existing = await readKey(path);
  if (existing) return existing;
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const pem = privateKey.export({ type: "pkcs8", format: "pem" }) as string;
  if (await createFileOnce(path, new TextEncoder().encode(pem), 0o600)) return privateKey;
  const winner = await readKey(path);
  if (winner) return winner;
  throw new AuthsomeError("internal", `Cannot create the key "${path}"`);
}

/** Reads the private key at `path`; undefined when there is no such file. */
export async function readKey(path: string): Promise<KeyObject | undefined> {
  let pem: string;
  try {
    pem = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw new AuthsomeError("invalid", `Cannot read the key "${path}"`, { cause: error });
  }
  try {
    const key = createPrivateKey(pem);
    describeKey(key);
    return key;
  } catch (error) {
    throw new AuthsomeError("invalid", `The key "${path}" is not a usable private key`, {
      cause: error,
      hint: `Move "${dirname(path)}" aside and run the command again to create a new CA`,
    });
  }
}
