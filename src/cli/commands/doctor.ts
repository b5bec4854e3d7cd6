/**
 * `authsome doctor`: checks home, vault, key source, providers, the routes
 * connections are sealed to, and the CA; exits 1 when any check fails.
 */

import { join } from "node:path";
import { approveCommand, routeChanges } from "../../auth/binding.ts";
import { isAuthsomeError } from "../../errors.ts";
import { checkPrivatePath } from "../../private_path.ts";
import type { Registry } from "../../providers/registry.ts";
import { listConnections } from "../../vault/connections.ts";
import { describeSource } from "../../vault/key_sources.ts";
import { readVault, type Records } from "../../vault/store.ts";
import type { Context } from "../command.ts";
import type { doctorSpec } from "../command_specs.ts";
import { EXIT } from "../exit_codes.ts";
import { keyContext } from "../vault_access.ts";
import { caChecks, type Check } from "./cert_checks.ts";
import { missingKeyFile } from "./key_file_check.ts";
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

async function vaultCheck(ctx: Context): Promise<{ checks: Check[]; records?: Records }> {
  const keys = keyContext(ctx);
  try {
    const snapshot = await readVault(keys);
    if (!snapshot.source) {
      return {
        checks: [{ name: "vault", ok: true, detail: "no vault yet (created by the first login)" }],
      };
    }
    const count = listConnections(snapshot.records).length;
    return {
      records: snapshot.records,
      checks: [
        { name: "vault", ok: true, detail: `${ctx.paths.vault} opens, ${count} connection(s)` },
        { name: "key source", ok: true, detail: describeSource(snapshot.source, keys.keyring) },
      ],
    };
  } catch (error) {
    if (!isAuthsomeError(error)) throw error;
    return { checks: [{ name: "vault", ok: false, detail: error.message, hint: error.hint }] };
  }
}

/** The home, the providers folder and each provider file: the user's alone, or refused. */
async function ownershipChecks(ctx: Context): Promise<Check[]> {
  const paths = [ctx.paths.root, ctx.paths.providers];
  try {
    for await (const entry of Deno.readDir(ctx.paths.providers)) {
      if (entry.name.endsWith(".json")) paths.push(join(ctx.paths.providers, entry.name));
    }
  } catch {
    // No providers folder, or one that cannot be listed: the registry says so.
  }
  const problems = (await Promise.all(paths.map(checkPrivatePath))).filter((p) => p !== undefined);
  if (problems.length === 0) {
    return [{ name: "ownership", ok: true, detail: "home and provider files are yours alone" }];
  }
  return problems.map((problem) => ({
    name: "ownership",
    ok: false,
    detail: problem.message,
    hint: problem.hint,
  }));
}

function providerChecks(registry: Registry): Check {
  return registry.broken.length === 0
    ? { name: "providers", ok: true, detail: `${registry.providers.size} loaded` }
    : {
      name: "providers",
      ok: false,
      detail: `${registry.broken.length} file(s) skipped: ${
        registry.broken.map((b) => b.file).join(", ")
      }`,
      hint: "Run: authsome providers validate FILE",
    };
}

/** A provider whose routes changed since its connections were sealed gets nothing there until approved. */
function routeChecks(records: Records, registry: Registry): Check[] {
  return routeChanges(records, registry).map((change) => ({
    name: "routes",
    ok: false,
    detail: `"${change.provider}" declares routes its connection(s) ${
      change.connections.join(", ")
    } are not sealed to (${
      [
        ...change.added.map((r) => `+${r}`),
        ...change.removed.map((r) => `-${r}`),
      ].join(" ")
    }): nothing is injected on a new one`,
    hint: `If you made that change, run: ${approveCommand(change.provider)}`,
  }));
}

/** Runs the command. */
export async function run(ctx: Context<typeof doctorSpec.options>): Promise<number> {
  if (ctx.args.values.clients) return (await import("./doctor_clients.ts")).run(ctx);
  const vault = await vaultCheck(ctx);
  const checks: Check[] = [
    await privateCheck("home", ctx.paths.root, "not created yet"),
    ...(await ownershipChecks(ctx)),
    await missingKeyFile(ctx) ?? await privateCheck("key file", ctx.paths.masterKey, ""),
    ...vault.checks,
  ];
  try {
    const registry = await ctx.registry(vault.records);
    checks.push(providerChecks(registry));
    if (vault.records) checks.push(...routeChecks(vault.records, registry));
  } catch (error) {
    if (!isAuthsomeError(error)) throw error;
    checks.push({ name: "providers", ok: false, detail: error.message, hint: error.hint });
  }
  checks.push(...(await caChecks(ctx)), ...(await protectionChecks(ctx)));
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
