/**
 * Credential lookup for the proxy: which connection a request uses (the
 * request's `X-Authsome-Connection`, else the run's `--connection`, else the
 * provider's default) and what it injects. The one place the proxy gets
 * secrets from. An OAuth2 token due within five minutes, or one the upstream
 * answered 401 to, is refreshed first (the policy is `renewal.ts`): once per
 * process (single-flight here) and once across processes (under the vault lock, in
 * `oauth/refresh.ts`, loaded only when a refresh is due). A request on a
 * route its connection is not sealed to gets nothing (`binding.ts`).
 */

import { AuthsomeError, isAuthsomeError } from "../errors.ts";
import { describeRoute } from "../providers/api_url.ts";
import type { Route } from "../providers/matcher.ts";
import { getProvider, type Provider, type Registry } from "../providers/registry.ts";
import { primaryField } from "../providers/compile.ts";
import type { Secret } from "../secret.ts";
import {
  type Connection,
  getConnection,
  listConnections,
  replaceConnection,
} from "../vault/connections.ts";
import type { KeyContext } from "../vault/key_sources.ts";
import type { Records } from "../vault/store.ts";
import type { FetchFn } from "./oauth/mod.ts";
import { approveCommand, isSealedFor } from "./binding.ts";
import { credentialsFor, type Placement } from "./injection.ts";
import { acceptsRejection, canRenew, renewalStep } from "./renewal.ts";

/** What a request to a provider gets. */
export interface Resolved {
  readonly connection: string;
  readonly credentials: readonly Placement[];
  /** The same credential in each other place the provider accepts it (`accepts`), for placeholders the child sent there. */
  readonly accepted?: readonly Placement[];
  /** Call when the upstream answered 401 to these credentials: the next request refreshes once. */
  readonly onRejected?: () => void;
}

/** What refreshing OAuth2 tokens needs; without it, tokens are handed out as stored. */
export interface RefreshOptions {
  readonly vault: KeyContext;
  readonly fetch?: FetchFn;
  readonly now?: () => number;
}

/** Looks up credentials from one snapshot of the vault. */
export class CredentialSource {
  readonly #registry: Registry;
  readonly #records: Records;
  readonly #choices: ReadonlyMap<string, string>;
  readonly #refresh?: RefreshOptions;
  readonly #inflight = new Map<string, Promise<Connection>>();
  /** Access tokens the upstream answered 401 to, by connection. */
  readonly #rejected = new Map<string, string>();
  readonly #lastForced = new Map<string, number>();
  readonly #lastRenewed = new Map<string, number>();
  readonly #failed = new Map<string, { at: number; error: AuthsomeError }>();
  /** Routes already found sealed for a connection (a connection read once stays the same object). */
  readonly #approved = new WeakMap<Connection, WeakSet<Route>>();

  constructor(
    registry: Registry,
    records: Records,
    choices: ReadonlyMap<string, string>,
    refresh?: RefreshOptions,
  ) {
    this.#registry = registry;
    this.#records = records;
    this.#choices = choices;
    this.#refresh = refresh;
    for (const [provider, name] of choices) this.#connection(provider, name);
  }

  #now(): number {
    return (this.#refresh?.now ?? Date.now)();
  }

  #provider(name: string): Provider {
    return getProvider(this.#registry, name);
  }

  #connection(provider: string, name?: string): Connection {
    this.#provider(provider);
    return getConnection(this.#records, provider, name);
  }

  /** The providers that have at least one connection: only their hosts are intercepted. */
  connectedProviders(): Set<string> {
    return new Set(listConnections(this.#records).map((c) => c.provider));
  }

  /** Every secret value stored, so that none reaches the child's environment. */
  secrets(): Secret[] {
    return listConnections(this.#records).flatMap((c) => Object.values(c.fields));
  }

  /** The connection a request (or an export) uses, its OAuth2 token refreshed first when due. */
  async connection(provider: string, requested?: string): Promise<Connection> {
    const connection = this.#connection(provider, requested ?? this.#choices.get(provider));
    if (connection.authType !== "oauth2" || !this.#refresh) return connection;
    return await this.#current(connection, this.#provider(provider));
  }

  /**
   * The credentials for a request to `provider`, with `requested` naming a
   * connection per request; `route` is the route the request matched, whose
   * own injection applies (a git route sends Basic where the API takes Bearer).
   */
  async credentials(provider: string, requested?: string, route?: Route): Promise<Resolved> {
    if (route) this.#checkApproved(provider, requested, route);
    const connection = await this.connection(provider, requested);
    const definition = this.#provider(provider);
    const primary = primaryField(definition.definition);
    const injections = route?.injections ?? definition.injections;
    const credentials = credentialsFor(injections, connection.fields, primary, provider);
    const accepted = credentialsFor(
      definition.definition.accepts,
      connection.fields,
      primary,
      provider,
    );
    const token = connection.fields.access_token?.reveal();
    const onRejected = this.#refresh && canRenew(connection) && token !== undefined
      ? () => this.#reject(`${provider}/${connection.name}`, token)
      : undefined;
    return { connection: connection.name, credentials, accepted, onRejected };
  }

  /** Throws `not_approved` when `route`, with its injection, is not one of the connection's sealed routes. */
  #checkApproved(provider: string, requested: string | undefined, route: Route): void {
    const connection = this.#connection(provider, requested ?? this.#choices.get(provider));
    const approved = this.#approved.get(connection) ?? new WeakSet<Route>();
    if (approved.has(route)) return;
    if (isSealedFor(connection, route)) {
      this.#approved.set(connection, approved.add(route));
      return;
    }
    throw new AuthsomeError(
      "not_approved",
      `The credential of "${provider}/${connection.name}" is not approved for ${
        describeRoute(route)
      } as it is declared now: the provider's definition (its routes or how it sends the credential) changed since the connection was sealed`,
      { hint: `If you made that change, approve it: ${approveCommand(provider)}` },
    );
  }

  #reject(key: string, token: string): void {
    if (acceptsRejection(this.#now(), this.#lastForced.get(key))) this.#rejected.set(key, token);
  }

  /** The connection, refreshed first when due or rejected; single-flight per connection. */
  async #current(connection: Connection, provider: Provider): Promise<Connection> {
    const key = `${connection.provider}/${connection.name}`;
    const failed = this.#failed.get(key);
    const step = renewalStep(connection, this.#now(), {
      rejectedToken: this.#rejected.get(key),
      lastRenewed: this.#lastRenewed.get(key),
      lastFailed: failed?.at,
    });
    if (step.kind === "use") return connection;
    if (step.kind === "failed") throw failed!.error;
    let running = this.#inflight.get(key);
    if (!running) {
      running = this.#renew(connection, provider, step.rejected)
        .finally(() => this.#inflight.delete(key));
      this.#inflight.set(key, running);
    }
    return await running;
  }

  async #renew(connection: Connection, provider: Provider, rejected: boolean): Promise<Connection> {
    const key = `${connection.provider}/${connection.name}`;
    const options = this.#refresh!;
    const { refreshConnection } = await import("./oauth/mod.ts");
    try {
      const fresh = await refreshConnection(
        { vault: options.vault, provider, http: { fetch: options.fetch }, now: options.now },
        connection,
        rejected,
      );
      replaceConnection(this.#records, fresh);
      this.#lastRenewed.set(key, this.#now());
      if (rejected) {
        this.#rejected.delete(key);
        this.#lastForced.set(key, this.#now());
      }
      this.#failed.delete(key);
      return fresh;
    } catch (error) {
      if (isAuthsomeError(error, "auth")) this.#failed.set(key, { at: this.#now(), error });
      throw error;
    }
  }
}
