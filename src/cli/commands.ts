/**
 * The command table: each command's help and flags, and a literal dynamic
 * import of its code so that `deno compile` embeds it and start-up loads only
 * the command that runs.
 */

import type { CommandSpec } from "./command.ts";

/** Every command, in the order help lists them. */
export const COMMANDS: readonly CommandSpec[] = [
  {
    name: "login",
    summary: "Add or replace a connection (API key, or a token you already have)",
    synopsis:
      "PROVIDER [--connection NAME] [--key-stdin | --from-env VAR] [--field NAME=VALUE]... [--force]",
    description:
      "On a terminal the key is asked for without echo. Without one, pipe it with --key-stdin\n" +
      "or name an environment variable with --from-env. The key is checked against the provider's pattern.",
    options: {
      connection: {
        type: "string",
        short: "c",
        value: "NAME",
        description: 'Connection name (default "default")',
      },
      flow: {
        type: "string",
        value: "FLOW",
        description: "pkce, device_code, client_credentials or api_key",
      },
      scopes: { type: "string", value: "A,B", description: "OAuth scopes to request" },
      "client-id": { type: "string", value: "ID", description: "OAuth client id" },
      "client-secret-stdin": {
        type: "boolean",
        description: "Read the OAuth client secret from stdin",
      },
      "key-stdin": { type: "boolean", description: "Read the key from standard input" },
      "from-env": {
        type: "string",
        value: "VAR",
        description: "Read the key from environment variable VAR",
      },
      field: {
        type: "string",
        multiple: true,
        value: "NAME=VALUE",
        description: "An extra field (user, account id)",
      },
      force: { type: "boolean", short: "f", description: "Replace an existing connection" },
    },
    positionals: { min: 1, max: 1 },
    load: () => import("./commands/login.ts"),
  },
  {
    name: "logout",
    summary: "Remove a connection",
    synopsis: "PROVIDER [--connection NAME]",
    options: {
      connection: {
        type: "string",
        short: "c",
        value: "NAME",
        description: "Connection to remove (default: the default one)",
      },
    },
    positionals: { min: 1, max: 1 },
    load: () => import("./commands/logout.ts"),
  },
  {
    name: "list",
    summary: "List providers and connections (never a secret)",
    synopsis: "[--json]",
    options: {},
    positionals: { min: 0, max: 0 },
    load: () => import("./commands/list.ts"),
  },
  {
    name: "inspect",
    summary: "Show a provider's definition, where it came from, and its connections",
    synopsis: "PROVIDER [--json]",
    options: {},
    positionals: { min: 1, max: 1 },
    load: () => import("./commands/inspect.ts"),
  },
  {
    name: "set-default",
    summary: "Pick the connection run and export use by default",
    synopsis: "PROVIDER CONNECTION",
    options: {},
    positionals: { min: 2, max: 2 },
    load: () => import("./commands/set_default.ts"),
  },
  {
    name: "export",
    summary: "Print credentials as variables for a tool that cannot use the proxy",
    synopsis: "PROVIDER [--connection NAME] [--format env|shell|dotenv|json]",
    description: 'Use in a shell with: eval "$(authsome export PROVIDER --format shell)"',
    options: {
      connection: {
        type: "string",
        short: "c",
        value: "NAME",
        description: "Connection (default: the default one)",
      },
      format: {
        type: "string",
        value: "FORMAT",
        description: "env (default), shell, dotenv or json",
      },
    },
    positionals: { min: 1, max: 1 },
    load: () => import("./commands/export.ts"),
  },
  {
    name: "vault rekey",
    summary: "Re-encrypt the vault under a new key, in one atomic step",
    synopsis: "[--to keyring|file|passphrase] [--passphrase-stdin]",
    options: {
      to: {
        type: "string",
        value: "SOURCE",
        description: "Where the new key lives (default: where it is now)",
      },
      "passphrase-stdin": {
        type: "boolean",
        description: "Read the new passphrase from standard input",
      },
    },
    positionals: { min: 0, max: 0 },
    load: () => import("./commands/vault_rekey.ts"),
  },
  {
    name: "doctor",
    summary: "Check the home, vault, key source and providers",
    synopsis: "[--json]",
    options: {},
    positionals: { min: 0, max: 0 },
    load: () => import("./commands/doctor.ts"),
  },
  {
    name: "providers validate",
    summary: "Check a provider JSON file and print every problem with its JSON path",
    synopsis: "FILE [--json]",
    options: {},
    positionals: { min: 1, max: 1 },
    load: () => import("./commands/providers_validate.ts"),
  },
];
