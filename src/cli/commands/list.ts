/** `authsome list`: every provider with its connections, status and expiry. Never a secret. */

import { type Connection, defaultConnection, listConnections } from "../../vault/connections.ts";
import type { Context } from "../command.ts";
import { EXIT } from "../exit_codes.ts";
import { describeExpiry } from "../time.ts";
import { openConnections } from "../vault_access.ts";
import { apiHosts, connectionView } from "../views.ts";

/** The version of `list --json`'s shape; bumped on any incompatible change. */
export const LIST_JSON_VERSION = 1;

/** Runs the command. */
export async function run(ctx: Context): Promise<number> {
  const { records, registry } = await openConnections(ctx);
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
      connections: connections.map((c) => connectionView(c, provider, c.name === preferred, now)),
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
      },
    });
    return EXIT.ok;
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
  return EXIT.ok;
}
