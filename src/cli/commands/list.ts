/** `authsome list`: every provider with its connections, status and expiry. Never a secret. */

import { type Connection, defaultConnection, listConnections } from "../../vault/connections.ts";
import { AuthsomeError, isAuthsomeError } from "../../errors.ts";
import { parseVaultFile } from "../../vault/format.ts";
import type { Records } from "../../vault/store.ts";
import type { Registry } from "../../providers/registry.ts";
import type { Context } from "../command.ts";
import { EXIT, exitCodeFor } from "../exit_codes.ts";
import { describeExpiry } from "../time.ts";
import { openConnections } from "../vault_access.ts";
import { apiHosts, connectionView } from "../views.ts";

/** The version of `list --json`'s shape; bumped on any incompatible change. */
export const LIST_JSON_VERSION = 1;

/** The connection names a vault's plain-text record names show, by provider, without its key. */
async function lockedConnections(path: string): Promise<Map<string, string[]>> {
  const names = new Map<string, string[]>();
  const file = await Deno.readTextFile(path).then((text) => parseVaultFile(text, path), () => null);
  for (const record of Object.keys(file?.records ?? {})) {
    const [kind, provider, name] = record.split("/");
    if (kind === "connection" && name) names.set(provider, [...names.get(provider) ?? [], name]);
  }
  return names;
}

/** The vault's records and the registry, or, when the vault is locked, no records and the error that says why. */
async function openOrLocked(
  ctx: Context,
): Promise<{ records: Records; registry: Registry; locked?: AuthsomeError }> {
  try {
    return await openConnections(ctx);
  } catch (error) {
    if (!isAuthsomeError(error, "vault")) throw error;
    return { records: new Map(), registry: await ctx.registry(), locked: error };
  }
}

/** Runs the command. */
export async function run(ctx: Context): Promise<number> {
  const { records, registry, locked } = await openOrLocked(ctx);
  // A locked vault still shows every provider, and the connections its record names reveal.
  const lockedNames = locked
    ? await lockedConnections(ctx.paths.vault)
    : new Map<string, string[]>();
  const now = Date.now();
  const byProvider = new Map<string, Connection[]>();
  for (const connection of listConnections(records)) {
    byProvider.set(connection.provider, [
      ...(byProvider.get(connection.provider) ?? []),
      connection,
    ]);
  }
  const providers = [...registry.providers.values()].map((provider) => {
    const connections = byProvider.get(provider.name) ?? [];
    const preferred = defaultConnection(records, provider.name);
    return {
      name: provider.name,
      display_name: provider.definition.display_name,
      auth_type: provider.definition.auth_type,
      source: provider.source.kind,
      api_hosts: apiHosts(provider),
      default_connection: preferred ?? null,
      connections: [
        ...connections.map((c) => connectionView(c, provider, c.name === preferred, now)),
        ...(lockedNames.get(provider.name) ?? []).map((name) => ({
          name,
          default: false,
          status: "locked",
          expires_at: null,
          scopes: null,
          fields: {},
        })),
      ],
    };
  });
  const connectionCount = providers.reduce((n, p) => n + p.connections.length, 0);
  const connected = providers.filter((p) => p.connections.length > 0);
  if (ctx.flags.json) {
    ctx.out.json({
      version: LIST_JSON_VERSION,
      providers,
      summary: {
        providers: providers.length,
        connected_providers: connected.length,
        connections: connectionCount,
        vault_locked: locked !== undefined,
      },
      ...(locked
        ? { error: { code: locked.code, message: locked.message, hint: locked.hint } }
        : {}),
    });
    return locked ? exitCodeFor(locked.code) : EXIT.ok;
  }
  const rows = [["PROVIDER", "CONNECTION", "AUTH", "STATUS", "EXPIRES", "API HOST"]];
  for (const p of [...connected, ...providers.filter((p) => p.connections.length === 0)]) {
    const hosts = p.api_hosts.join(", ");
    if (p.connections.length === 0) rows.push([p.name, "-", p.auth_type, "-", "-", hosts]);
    for (const c of p.connections) {
      const expiry = describeExpiry(
        c.expires_at === null ? undefined : Date.parse(c.expires_at),
        now,
      );
      const status = c.status === "connected"
        ? ctx.out.style.green(c.status)
        : ctx.out.style.red(c.status);
      rows.push([p.name, `${c.name}${c.default ? " *" : ""}`, p.auth_type, status, expiry, hosts]);
    }
  }
  ctx.out.table(rows);
  ctx.out.line();
  ctx.out.line(
    `${connectionCount} connection(s) across ${connected.length} provider(s); ${providers.length} providers available (* = default)`,
  );
  // The listing stands; the exit code and the message still say the vault did not open.
  if (locked) {
    throw new AuthsomeError(locked.code, `${locked.message}; its connections are shown as locked`, {
      hint: locked.hint,
    });
  }
  return EXIT.ok;
}
