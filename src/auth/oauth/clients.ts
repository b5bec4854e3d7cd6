/**
 * OAuth clients, one per provider, kept encrypted in the vault as
 * `client/PROVIDER`: the id and secret given with `--client-id` and
 * `--client-secret-stdin`, or issued by dynamic registration, and the
 * endpoints discovery found. Pure functions over decrypted records.
 */

import { AuthsomeError } from "../../errors.ts";
import type { OAuthSpec } from "../../providers/schema.ts";
import { Secret } from "../../secret.ts";
import type { Connection } from "../../vault/connections.ts";
import {
  arrayOf,
  type Check,
  damagedRecord,
  isString,
  oneOf,
  optional,
  recordOf,
  shapeProblem,
} from "../../vault/record_check.ts";
import type { Records } from "../../vault/store.ts";
import type { Endpoints } from "./endpoints.ts";
import type { AuthMethod, ClientAuth } from "./http.ts";

/** A client of one provider. */
export interface OAuthClient {
  readonly clientId: string;
  readonly clientSecret?: Secret;
  /** Set for a registered client: the method the server agreed to. */
  readonly method?: AuthMethod;
  /** Set for a registered client: the redirect URIs it was registered with. */
  readonly redirectUris?: readonly string[];
  /** When a registered client's secret expires (ms since the epoch). */
  readonly secretExpiresAt?: number;
  /** Endpoints found by discovery, so refresh and logout need not discover again. */
  readonly endpoints?: Endpoints;
}

interface StoredClient {
  client_id: string;
  client_secret?: string;
  token_endpoint_auth_method?: AuthMethod;
  redirect_uris?: string[];
  client_secret_expires_at?: number;
  endpoints?: Endpoints;
}

/** The vault record name of a provider's client. */
export function clientRecordName(provider: string): string {
  return `client/${provider}`;
}

/** What authsome writes as a client record, field by field. */
const STORED: Readonly<Record<string, Check>> = {
  client_id: isString,
  client_secret: optional(isString),
  token_endpoint_auth_method: optional(
    oneOf(["client_secret_post", "client_secret_basic", "none"]),
  ),
  redirect_uris: optional(arrayOf(isString)),
  client_secret_expires_at: optional(Number.isFinite),
  endpoints: optional(recordOf(isString)),
};

/** The stored client of `provider`, if any; a `vault` error names a damaged record. */
export function getClient(records: Records, provider: string): OAuthClient | undefined {
  const record = clientRecordName(provider);
  const value = records.get(record);
  if (value === undefined) return undefined;
  const problem = shapeProblem(value, STORED);
  if (problem !== undefined) {
    throw damagedRecord(record, problem, "Restore the vault from a backup");
  }
  const stored = value as StoredClient;
  return {
    clientId: stored.client_id,
    clientSecret: stored.client_secret === undefined ? undefined : new Secret(stored.client_secret),
    method: stored.token_endpoint_auth_method,
    redirectUris: stored.redirect_uris,
    secretExpiresAt: stored.client_secret_expires_at,
    endpoints: stored.endpoints,
  };
}

/** Stores (or replaces) the client of `provider`. */
export function putClient(records: Records, provider: string, client: OAuthClient): void {
  const stored: StoredClient = {
    client_id: client.clientId,
    client_secret: client.clientSecret?.reveal(),
    token_endpoint_auth_method: client.method,
    redirect_uris: client.redirectUris ? [...client.redirectUris] : undefined,
    client_secret_expires_at: client.secretExpiresAt,
    endpoints: client.endpoints,
  };
  records.set(clientRecordName(provider), JSON.parse(JSON.stringify(stored)));
}

/** What the command line said about the client. */
export interface ClientFlags {
  readonly clientId?: string;
  readonly clientSecret?: Secret;
}

/**
 * The client to log in with: `--client-id` (with `--client-secret-stdin`),
 * else the stored one (a new secret replacing its own), else the
 * definition's `client_id`; undefined when there is none (registration may
 * provide one).
 */
export function chooseClient(
  flags: ClientFlags,
  stored: OAuthClient | undefined,
  spec: Pick<OAuthSpec, "client_id">,
  provider: string,
): OAuthClient | undefined {
  if (flags.clientId !== undefined) {
    if (flags.clientId === "") throw new AuthsomeError("usage", "--client-id must not be empty");
    const same = stored?.clientId === flags.clientId;
    return {
      clientId: flags.clientId,
      clientSecret: flags.clientSecret ?? (same ? stored?.clientSecret : undefined),
      endpoints: stored?.endpoints,
    };
  }
  const base = stored ?? (spec.client_id ? { clientId: spec.client_id } : undefined);
  if (flags.clientSecret !== undefined) {
    if (!base) {
      throw new AuthsomeError("usage", "--client-secret-stdin needs a client id", {
        hint: `Give it too: authsome login ${provider} --client-id ID --client-secret-stdin`,
      });
    }
    return { ...base, clientSecret: flags.clientSecret };
  }
  return base;
}

/** How the client authenticates at the token endpoint: its registered method, else the definition's. */
export function clientAuth(
  client: OAuthClient,
  spec: Pick<OAuthSpec, "token_endpoint_auth_method">,
): ClientAuth {
  return {
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    method: client.method ?? spec.token_endpoint_auth_method,
  };
}

/** The client a connection's tokens were issued to: its `client_id` field, with the stored secret if it matches. */
export function connectionClient(
  records: Records,
  connection: Connection,
  spec: Pick<OAuthSpec, "client_id">,
): OAuthClient {
  const id = connection.fields.client_id?.reveal() ?? spec.client_id;
  const stored = getClient(records, connection.provider);
  if (stored && (id === undefined || stored.clientId === id)) return stored;
  if (id === undefined) {
    throw new AuthsomeError("auth", `The connection of "${connection.provider}" has no client id`, {
      hint: `Log in again: authsome login ${connection.provider} --force`,
    });
  }
  return { clientId: id, endpoints: stored?.endpoints };
}
