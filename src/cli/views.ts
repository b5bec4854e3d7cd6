/** The redacted, JSON-ready views of providers and connections that list and inspect show. */

import { describeRoute } from "../providers/api_url.ts";
import type { Provider } from "../providers/registry.ts";
import { type ConnectionStatus, connectionStatus } from "../auth/renewal.ts";
import type { Connection } from "../vault/connections.ts";

/** A connection as shown: never a secret value. */
export interface ConnectionView {
  readonly name: string;
  readonly default: boolean;
  readonly status: ConnectionStatus;
  readonly expires_at: string | null;
  readonly scopes: readonly string[] | null;
  /** Non-secret fields with their values; secret ones are listed by name only. */
  readonly fields: Readonly<Record<string, string>>;
}

/** The redacted view of one connection. */
export function connectionView(
  connection: Connection,
  provider: Provider | undefined,
  isDefault: boolean,
  now: number,
): ConnectionView {
  const visible = new Set(
    provider?.definition.fields.filter((f) => !f.secret).map((f) => f.name) ?? [],
  );
  const fields = Object.fromEntries(
    Object.entries(connection.fields).map((
      [name, value],
    ) => [name, visible.has(name) ? value.reveal() : "[secret]"]),
  );
  return {
    name: connection.name,
    default: isDefault,
    status: connectionStatus(connection, now),
    expires_at: connection.expiresAt === undefined
      ? null
      : new Date(connection.expiresAt).toISOString(),
    scopes: connection.scopes ?? null,
    fields,
  };
}

/** The API hosts of a provider as a user reads them. */
export function apiHosts(provider: Provider): string[] {
  return provider.routes.map(describeRoute);
}
