/**
 * Credential lookup for the proxy: which connection a request uses (the
 * request's `X-Authsome-Connection`, else the run's `--connection`, else the
 * provider's default) and what it injects. The one place the proxy gets
 * secrets from; OAuth refresh plugs in behind `credentials()`.
 */

import { AuthsomeError } from "../errors.ts";
import type { Provider, Registry } from "../providers/registry.ts";
import { primaryField } from "../providers/compile.ts";
import type { Secret } from "../secret.ts";
import { type Connection, getConnection, listConnections } from "../vault/connections.ts";
import type { Records } from "../vault/store.ts";
import { type Credential, credentialsFor } from "./injection.ts";

/** What a request to a provider gets. */
export interface Resolved {
  readonly connection: string;
  readonly credentials: readonly Credential[];
}

/** Looks up credentials from one snapshot of the vault. */
export class CredentialSource {
  readonly #registry: Registry;
  readonly #records: Records;
  readonly #choices: ReadonlyMap<string, string>;

  constructor(registry: Registry, records: Records, choices: ReadonlyMap<string, string>) {
    this.#registry = registry;
    this.#records = records;
    this.#choices = choices;
    for (const [provider, name] of choices) this.#connection(provider, name);
  }

  #provider(name: string): Provider {
    const provider = this.#registry.providers.get(name);
    if (!provider) throw new AuthsomeError("not_found", `Unknown provider "${name}"`);
    return provider;
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

  /** The credentials for a request to `provider`, with `requested` naming a connection per request. */
  credentials(provider: string, requested?: string): Promise<Resolved> {
    const connection = this.#connection(provider, requested ?? this.#choices.get(provider));
    const definition = this.#provider(provider);
    const credentials = credentialsFor(
      definition.injections,
      connection.fields,
      primaryField(definition.definition),
      provider,
    );
    return Promise.resolve({ connection: connection.name, credentials });
  }
}

/** Parses `--connection PROVIDER=NAME` flags into a map. */
export function parseConnectionChoices(flags: readonly string[]): Map<string, string> {
  const choices = new Map<string, string>();
  for (const flag of flags) {
    const [provider, name, ...rest] = flag.split("=");
    if (!provider || !name || rest.length > 0) {
      throw new AuthsomeError("usage", `--connection "${flag}" must be PROVIDER=NAME`, {
        hint: "For example: --connection github=work",
      });
    }
    choices.set(provider, name);
  }
  return choices;
}
