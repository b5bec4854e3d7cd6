/** `authsome doctor`: checks home, vault, key source, providers and the CA; exits 1 when any check fails. */

import { isAuthsomeError } from "../../errors.ts";
import { listConnections } from "../../vault/connections.ts";
import { describeSource } from "../../vault/key_sources.ts";
import { readVault } from "../../vault/store.ts";
import type { Context } from "../command.ts";
import { EXIT } from "../exit_codes.ts";
import { keyContext } from "../vault_access.ts";
import { caChecks, type Check } from "./cert_checks.ts";
import { protectionChecks } from "./protection_checks.ts";

async function modeOf(path: string): Promise<number | undefined> {
  try {
    return (await Deno.stat(path)).mode ?? undefined;
  } catch {
    return undefined;
  }
}

async function privateCheck(name: string, path: string, missing: string): Promise<Check> {
  const mode = await modeOf(path);
  if (mode === undefined) return { name, ok: true, detail: `${path} (${missing})` };
  const octal = (mode & 0o777).toString(8).padStart(3, "0");
  if ((mode & 0o077) !== 0) {
    return {
      name,
      ok: false,
      detail: `${path} is readable by others (mode ${octal})`,
      hint: `Run: chmod go-rwx "${path}"`,
    };
  }
  return { name, ok: true, detail: `${path} (mode ${octal})` };
}

async function vaultCheck(ctx: Context): Promise<Check[]> {
  const keys = keyContext(ctx);
  try {
    const snapshot = await readVault(keys);
    if (!snapshot.source) {
      return [{ name: "vault", ok: true, detail: "no vault yet (created by the first login)" }];
    }
    const count = listConnections(snapshot.records).length;
    return [
      { name: "vault", ok: true, detail: `${ctx.paths.vault} opens, ${count} connection(s)` },
      { name: "key source", ok: true, detail: describeSource(snapshot.source, keys.keyring) },
    ];
  } catch (error) {
    if (!isAuthsomeError(error)) throw error;
    return [{ name: "vault", ok: false, detail: error.message, hint: error.hint }];
  }
}

/** Runs the command. */
export async function run(ctx: Context): Promise<number> {
  const registry = await ctx.registry();
  const checks: Check[] = [
    await privateCheck("home", ctx.paths.root, "not created yet"),
    await privateCheck("key file", ctx.paths.masterKey, "not used"),
    ...(await vaultCheck(ctx)),
    registry.broken.length === 0
      ? { name: "providers", ok: true, detail: `${registry.providers.size} loaded` }
      : {
        name: "providers",
        ok: false,
        detail: `${registry.broken.length} file(s) skipped: ${
          registry.broken.map((b) => b.file).join(", ")
        }`,
        hint: "Run: authsome providers validate FILE",
      },
    ...(await caChecks(ctx)),
    ...(await protectionChecks(ctx)),
  ];
  if (ctx.flags.json) {
    ctx.out.json({ ok: checks.every((c) => c.ok), checks });
  } else {
    for (const check of checks) {
      const status = !check.ok
        ? ctx.out.style.red("FAIL")
        : check.warn
        ? ctx.out.style.yellow("WARN")
        : ctx.out.style.green("OK  ");
      ctx.out.line(`${status} ${check.name}: ${check.detail}`);
      if (check.hint) ctx.out.line(`     ${check.hint}`);
    }
  }
  return checks.every((c) => c.ok) ? EXIT.ok : EXIT.error;
}
