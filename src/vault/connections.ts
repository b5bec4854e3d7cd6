/**
 * Connections: named credentials of a provider, kept as vault records
 * (`connection/PROVIDER/NAME`), and each provider's default connection
 * (`defaults`). Pure functions over decrypted records.
 */

import { AuthsomeError } from "../errors.ts";
import type { Injection } from "../providers/schema.ts";
import { Secret } from "../secret.ts";
import { closest } from "../suggest.ts";
import {
  arrayOf,
  type Check,
  damagedRecord,
  isBoolean,
  isObject,
  isString,
  oneOf,
  optional,
  recordOf,
  shape,
  shapeProblem,
} from "./record_check.ts";
import type { Records } from "./store.ts";

/** The connection name used when none is given. */
export const DEFAULT_CONNECTION = "default";

const NAME = /^[a-z0-9][a-z0-9_.-]{0,63}$/i;

/** One stored credential. Secret-bearing values are {@linkcode Secret}s. */
export interface Connection {
  readonly provider: string;
  readonly name: string;
  readonly authType: "api_key" | "oauth2";
  /** Every credential field: api_key or access_token and refresh_token, plus provider fields. */
  readonly fields: Readonly<Record<string, Secret>>;
  /** When the access token expires (ms since the epoch), if it does. */
  readonly expiresAt?: number;
  readonly scopes?: readonly string[];
  /** Set when a refresh failed: the user must log in again. */
  readonly needsLogin?: boolean;
  /** How an OAuth2 connection was obtained; a client credentials one renews without a refresh token. */
  readonly flow?: ConnectionFlow;
  /**
   * Where the credential may go: the provider's routes when the connection was
   * last sealed (login, or `providers approve`). Undefined only in a record
   * written by an earlier release, before it is sealed on first unlock.
   */
  readonly routes?: readonly SealedRoute[];
  /** The OAuth endpoints (base_url, token_url, revocation_url) a refresh or logout may use, sealed with the routes. */
  readonly oauthEndpoints?: Readonly<Record<string, string>>;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** One route sealed into a connection's encrypted record. */
export interface SealedRoute {
  /** The host rule as written in `api_url`: an exact host, or `regex:PATTERN`. */
  readonly host: string;
  readonly port: number;
  /** A path prefix on a segment boundary, without trailing slash; "" for every path. */
  readonly pathPrefix: string;
  /** The path patterns the route is limited to (a provider's `routes[].paths`), if any. */
  readonly paths?: readonly string[];
  /** The injection rules in force on this route when it was sealed; another injection is not approved. */
  readonly injections: readonly Injection[];
}

/** How a connection's credential was obtained. */
export type ConnectionFlow = "pkce" | "device_code" | "client_credentials" | "api_key";

interface StoredConnection {
  provider: string;
  name: string;
  auth_type: "api_key" | "oauth2";
  fields: Record<string, string>;
  expires_at?: number;
  scopes?: string[];
  needs_login?: boolean;
  flow?: ConnectionFlow;
  routes?: {
    host: string;
    port: number;
    path_prefix: string;
    paths?: string[];
    injection: Injection[];
  }[];
  oauth_endpoints?: Record<string, string>;
  created_at: string;
  updated_at: string;
}

/** The vault record name of a connection. */
export function recordName(provider: string, name: string): string {
  return `connection/${provider}/${name}`;
}

/** Checks a connection name given on the command line. */
export function checkConnectionName(name: string): string {
  if (!NAME.test(name)) {
    throw new AuthsomeError("usage", `Invalid connection name "${name}"`, {
      hint: "Use 1-64 letters, digits, '.', '-' or '_'",
    });
  }
  return name;
}

/** What authsome writes as a connection record, field by field. */
const STORED: Readonly<Record<string, Check>> = {
  provider: isString,
  name: isString,
  auth_type: oneOf(["api_key", "oauth2"]),
  fields: recordOf(isString),
  expires_at: optional(Number.isFinite),
  scopes: optional(arrayOf(isString)),
  needs_login: optional(isBoolean),
  flow: optional(oneOf(["pkce", "device_code", "client_credentials", "api_key"])),
  routes: optional(arrayOf(shape({
    host: isString,
    port: Number.isInteger,
    path_prefix: isString,
    paths: optional(arrayOf(isString)),
    // Each rule was checked against the provider schema when the connection was sealed.
    injection: arrayOf((i) => isObject(i) && isString(i.type)),
  }))),
  oauth_endpoints: optional(recordOf(isString)),
  created_at: isString,
  updated_at: isString,
};

const DAMAGED_HINT = "Restore the vault from a backup, or log in again with --force to replace it";

/** What is wrong with `value` as the connection record `record`, if anything. */
function storedProblem(record: string, value: unknown): string | undefined {
  const problem = shapeProblem(value, STORED);
  if (problem !== undefined || !isObject(value)) return problem;
  const named = recordName(value.provider as string, value.name as string);
  return named === record ? undefined : `its provider and name say "${named}"`;
}

/** The connection stored as `record`; a `vault` error names the record when it is not one. */
/**
 * Connections already read, by the stored record they came from: the proxy
 * looks a connection up on every request, and a record is replaced, never
 * changed in place, when a connection is written.
 */
const read = new WeakMap<object, { record: string; connection: Connection }>();

function fromStored(record: string, value: unknown): Connection {
  if (typeof value !== "object" || value === null) return parseStored(record, value);
  const known = read.get(value);
  if (known?.record === record) return known.connection;
  const connection = parseStored(record, value);
  read.set(value, { record, connection });
  return connection;
}

function parseStored(record: string, value: unknown): Connection {
  const problem = storedProblem(record, value);
  if (problem !== undefined) throw damagedRecord(record, problem, DAMAGED_HINT);
  const stored = value as StoredConnection;
  return {
    provider: stored.provider,
    name: stored.name,
    authType: stored.auth_type,
    fields: Object.fromEntries(Object.entries(stored.fields).map(([k, v]) => [k, new Secret(v)])),
    expiresAt: stored.expires_at,
    scopes: stored.scopes,
    needsLogin: stored.needs_login,
    flow: stored.flow,
    routes: stored.routes?.map((r) => ({
      host: r.host,
      port: r.port,
      pathPrefix: r.path_prefix,
      ...(r.paths && { paths: r.paths }),
      injections: r.injection,
    })),
    oauthEndpoints: stored.oauth_endpoints,
    createdAt: stored.created_at,
    updatedAt: stored.updated_at,
  };
}

function toStored(connection: Connection): StoredConnection {
  return {
    provider: connection.provider,
    name: connection.name,
    auth_type: connection.authType,
    fields: Object.fromEntries(Object.entries(connection.fields).map(([k, v]) => [k, v.reveal()])),
    expires_at: connection.expiresAt,
    scopes: connection.scopes ? [...connection.scopes] : undefined,
    needs_login: connection.needsLogin || undefined,
    flow: connection.flow,
    routes: connection.routes?.map((r) => ({
      host: r.host,
      port: r.port,
      path_prefix: r.pathPrefix,
      paths: r.paths ? [...r.paths] : undefined,
      injection: [...r.injections],
    })),
    oauth_endpoints: connection.oauthEndpoints ? { ...connection.oauthEndpoints } : undefined,
    created_at: connection.createdAt,
    updated_at: connection.updatedAt,
  };
}

function defaults(records: Records): Record<string, string> {
  const value = records.get("defaults");
  if (value !== undefined && !recordOf(isString)(value)) {
    throw damagedRecord("defaults", "not names by provider", "Restore the vault from a backup");
  }
  return { ...(value as Record<string, string> | undefined) };
}

/** Every connection, sorted by provider then name. */
export function listConnections(records: Records): Connection[] {
  return [...records.entries()]
    .filter(([name]) => name.startsWith("connection/"))
    .map(([name, value]) => fromStored(name, value))
    .sort((a, b) => a.provider.localeCompare(b.provider) || a.name.localeCompare(b.name));
}

/** The default connection name of a provider, if it has connections. */
export function defaultConnection(records: Records, provider: string): string | undefined {
  return defaults(records)[provider];
}

/** The connection `name` of `provider`, or its default; a `not_found` error names what exists. */
export function getConnection(records: Records, provider: string, name?: string): Connection {
  const wanted = name ?? defaultConnection(records, provider) ?? DEFAULT_CONNECTION;
  const record = recordName(provider, wanted);
  if (records.has(record)) return fromStored(record, records.get(record));
  const names = listConnections(records).filter((c) => c.provider === provider).map((c) => c.name);
  const others = names.map((other) => `"${other}"`);
  const guess = closest(wanted, names);
  throw new AuthsomeError("not_found", `No connection "${wanted}" for provider "${provider}"`, {
    hint: others.length > 0
      ? `${guess ? `Did you mean "${guess}"? ` : ""}Its connections: ${others.join(", ")}`
      : `Log in first: authsome login ${provider}${name ? ` --connection ${name}` : ""}`,
  });
}

/** Stores a connection; refuses to replace one unless `force`. Returns true when it became the default. */
export function putConnection(records: Records, connection: Connection, force: boolean): boolean {
  const key = recordName(connection.provider, connection.name);
  if (records.has(key) && !force) {
    throw new AuthsomeError(
      "conflict",
      `Provider "${connection.provider}" already has a connection "${connection.name}"`,
      {
        hint: `Replace it with --force, or pick another name with --connection NAME`,
      },
    );
  }
  records.set(key, toStored(connection));
  const map = defaults(records);
  if (map[connection.provider] !== undefined) return false;
  map[connection.provider] = connection.name;
  records.set("defaults", map);
  return true;
}

/** Replaces a stored connection in place (token refresh, needs-login mark). */
export function replaceConnection(records: Records, connection: Connection): void {
  records.set(recordName(connection.provider, connection.name), toStored(connection));
}

/** Removes a connection; returns the provider's new default, if the default moved. */
export function removeConnection(
  records: Records,
  provider: string,
  name: string,
): string | undefined {
  getConnection(records, provider, name);
  records.delete(recordName(provider, name));
  const map = defaults(records);
  if (map[provider] !== name) return undefined;
  const next = listConnections(records).find((c) => c.provider === provider)?.name;
  if (next === undefined) delete map[provider];
  else map[provider] = next;
  records.set("defaults", map);
  return next;
}

/** Makes `name` the default connection of `provider`. */
export function setDefaultConnection(records: Records, provider: string, name: string): void {
  getConnection(records, provider, name);
  records.set("defaults", { ...defaults(records), [provider]: name });
}
