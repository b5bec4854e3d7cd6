/**
 * Token refresh for credential lookup. A refresh happens under the vault
 * lock after re-reading the vault, so of many processes that find the same
 * token due, one refreshes and the others take its result: a rotating
 * refresh token is never sent twice. A refused refresh marks the
 * connection as needing login. When to refresh is decided in `renewal.ts`.
 */

import { AuthsomeError, isAuthsomeError } from "../../errors.ts";
import { assertEndpointsSealed } from "../binding.ts";
import { decide, type Held, isExpired } from "../renewal.ts";
import type { Provider } from "../../providers/registry.ts";
import type { Secret } from "../../secret.ts";
import {
  type Connection,
  DEFAULT_CONNECTION,
  getConnection,
  replaceConnection,
} from "../../vault/connections.ts";
import type { KeyContext } from "../../vault/key_sources.ts";
import { readVault, type Records, updateVault } from "../../vault/store.ts";
import { clientAuth, connectionClient } from "./clients.ts";
import { resolveEndpoints } from "./discovery.ts";
import { required } from "./endpoints.ts";
import type { HttpOptions } from "./http.ts";
import { clientCredentialsGrant, refreshGrant, type TokenResult, type TokenSet } from "./tokens.ts";

/** What refresh needs. */
export interface RefreshContext {
  readonly vault: KeyContext;
  readonly provider: Provider;
  readonly http?: HttpOptions;
  readonly now?: () => number;
}

class Unchanged {
  constructor(readonly connection: Connection) {}
}

function reauth(connection: Connection, provider: Provider, why: string): AuthsomeError {
  const named = connection.name === DEFAULT_CONNECTION ? "" : ` --connection ${connection.name}`;
  return new AuthsomeError(
    "auth",
    `The ${provider.definition.display_name} token of connection "${connection.name}" ${why}`,
    { hint: `Log in again, run: authsome login ${provider.name}${named}` },
  );
}

async function renew(
  ctx: RefreshContext,
  records: Records,
  connection: Connection,
): Promise<TokenResult> {
  const spec = ctx.provider.definition.oauth;
  if (!spec) {
    throw new AuthsomeError("invalid", `Provider "${ctx.provider.name}" has no oauth block`);
  }
  assertEndpointsSealed(connection, ctx.provider);
  const client = connectionClient(records, connection, spec);
  const endpoints = await resolveEndpoints(
    spec,
    ctx.provider.name,
    ["token"],
    ctx.http,
    client.endpoints,
  );
  const endpoint = {
    url: required(endpoints, "token", ctx.provider.name),
    client: clientAuth(client, spec),
    // Under the lock: answer well before a waiting process gives up (30 s).
    http: { timeoutMs: 15_000, ...ctx.http },
    now: ctx.now,
  };
  const refresh = connection.fields.refresh_token;
  if (refresh) return await refreshGrant(endpoint, refresh);
  const scopes = connection.scopes ?? [];
  return await clientCredentialsGrant(
    endpoint,
    scopes.join(spec.scope_separator) || undefined,
    scopes,
  );
}

/** The connection with new tokens; a refresh token not reissued is kept (RFC 6749 §6). */
export function withTokens(connection: Connection, tokens: TokenSet, now: number): Connection {
  const fields: Record<string, Secret> = { ...connection.fields, access_token: tokens.accessToken };
  if (tokens.refreshToken) fields.refresh_token = tokens.refreshToken;
  return {
    ...connection,
    fields,
    expiresAt: tokens.expiresAt,
    scopes: tokens.scopes ?? connection.scopes,
    needsLogin: undefined,
    updatedAt: new Date(now).toISOString(),
  };
}

/** True for errors that mean the grant is gone, not that the server is down (RFC 6749 §5.2). */
function isRefusal(result: Extract<TokenResult, { kind: "error" }>): boolean {
  return result.status < 500 && result.error !== "invalid_response" &&
    result.error !== "temporarily_unavailable";
}

/**
 * Brings `snapshot` up to date: re-reads the vault, and under its lock
 * refreshes when the token is still due (or still the rejected one).
 * Returns the connection to use; throws `auth` when the user must log in.
 */
export async function refreshConnection(
  ctx: RefreshContext,
  snapshot: Connection,
  rejected = false,
): Promise<Connection> {
  const now = (ctx.now ?? Date.now)();
  const held: Held = { token: snapshot.fields.access_token?.reveal(), rejected };
  const read = getConnection(
    (await readVault(ctx.vault)).records,
    snapshot.provider,
    snapshot.name,
  );
  const first = decide(read, now, held);
  if (first === "use") return read;
  if (first === "reauth") throw reauth(read, ctx.provider, "has expired and needs a new login");
  try {
    const outcome = await updateVault(ctx.vault, async (records) => {
      const current = getConnection(records, snapshot.provider, snapshot.name);
      const decision = decide(current, now, held);
      if (decision !== "renew") throw new Unchanged(current);
      const result = await renew(ctx, records, current);
      if (result.kind === "error" && !isRefusal(result)) {
        throw new AuthsomeError(
          "network",
          `The token endpoint of "${ctx.provider.name}" failed: ${result.error}`,
        );
      }
      const next = result.kind === "tokens"
        ? withTokens(current, result.tokens, (ctx.now ?? Date.now)())
        : { ...current, needsLogin: true };
      replaceConnection(records, next);
      return { next, refusal: result.kind === "error" ? result.error : undefined };
    });
    if (outcome.refusal === undefined) return outcome.next;
    if (decide(outcome.next, now, held) === "use") return outcome.next;
    throw reauth(outcome.next, ctx.provider, `could not be refreshed (${outcome.refusal})`);
  } catch (error) {
    if (error instanceof Unchanged) {
      if (decide(error.connection, now, held) === "reauth") {
        throw reauth(error.connection, ctx.provider, "has expired and needs a new login");
      }
      return error.connection;
    }
    // The server is down: a token that has not expired yet still serves.
    if (isAuthsomeError(error, "network") && !isExpired(read, now) && !rejected) return read;
    throw error;
  }
}
