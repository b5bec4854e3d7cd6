/** doctor's key file check: a missing key file is fine, or fatal, depending on what the vault uses. */

import { type KeySourceKind, parseVaultFile } from "../../vault/format.ts";
import { describeSource } from "../../vault/key_sources.ts";
import type { Context } from "../command.ts";
import type { Check } from "./cert_checks.ts";

/** The key source the vault's header names, or undefined without a readable vault. */
async function vaultSource(path: string): Promise<KeySourceKind | undefined> {
  try {
    return parseVaultFile(await Deno.readTextFile(path), path).key_source;
  } catch {
    return undefined;
  }
}

/**
 * What doctor says of a key file that does not exist: a failure when the
 * vault was made with it, else where the vault's key is instead.
 */
export async function missingKeyFile(ctx: Context): Promise<Check | undefined> {
  const path = ctx.paths.masterKey;
  const exists = await Deno.lstat(path).then(() => true, () => false);
  if (exists) return undefined;
  const source = await vaultSource(ctx.paths.vault);
  if (source === "file") {
    return {
      name: "key file",
      ok: false,
      detail: `${path} is missing, and the vault was created with it`,
      hint: "Restore it from a backup; without it the vault cannot be opened",
    };
  }
  const detail = source === undefined
    ? `${path} (none yet: the first login makes it when no other key source applies)`
    : `${path} (none: the vault's key is in ${describeSource(source)})`;
  return { name: "key file", ok: true, detail };
}
