/**
 * Each command's help and flags, declared once: the table (commands.ts) shows
 * them and parses with them, and each command module types its flags with
 * `Context<typeof xSpec.options>`. Pure data: it imports no command code.
 */

import type { Options } from "./args.ts";
import { defineCommand } from "./command.ts";

/** `authsome login`. */
export const loginSpec = defineCommand({
  name: "login",
  summary: "Add or replace a connection (API key, or OAuth2 sign-in)",
  synopsis:
    "PROVIDER [--connection NAME] [--key-stdin | --from-env VAR] [--field NAME=VALUE]... [--force]\n" +
    "       authsome login PROVIDER [--flow pkce|device_code|client_credentials] [--scopes A,B]\n" +
    "         [--client-id ID] [--client-secret-stdin] [--callback-port PORT] [--connection NAME] [--force]",
  description:
    "API keys: on a terminal the key is asked for without echo. Without one, pipe it with --key-stdin\n" +
    "or name an environment variable with --from-env. The key is checked against the provider's pattern.\n" +
    "OAuth2: PKCE in the browser (a listener on 127.0.0.1 takes the redirect; BROWSER=none prints the\n" +
    "URL only), or the device code flow where there is no display, CI or no terminal. The client id and\n" +
    "secret are stored encrypted per provider; providers that allow it register a client themselves.\n" +
    "Without a client id, login names the page to register an OAuth app and the callback URL to give it.\n" +
    "--flow api_key (or --key-stdin, --from-env) stores a token you already have.",
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
    "callback-port": {
      type: "string",
      value: "PORT",
      description: "Loopback port of the PKCE callback (default: the provider's fixed port)",
    },
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
});

/** `authsome logout`. */
export const logoutSpec = defineCommand({
  name: "logout",
  summary: "Remove a connection (revoking its OAuth2 tokens where the provider allows)",
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
});

/** `authsome list`. */
export const listSpec = defineCommand({
  name: "list",
  summary: "List providers and connections (never a secret)",
  synopsis: "[--json]",
  options: {},
  positionals: { min: 0, max: 0 },
});

/** `authsome inspect`. */
export const inspectSpec = defineCommand({
  name: "inspect",
  summary: "Show a provider's definition, where it came from, and its connections",
  synopsis: "PROVIDER [--json]",
  options: {},
  positionals: { min: 1, max: 1 },
});

/** `authsome set-default`. */
export const setDefaultSpec = defineCommand({
  name: "set-default",
  summary: "Pick the connection run and export use by default",
  synopsis: "PROVIDER CONNECTION",
  options: {},
  positionals: { min: 2, max: 2 },
});

/** `authsome export`. */
export const exportSpec = defineCommand({
  name: "export",
  summary: "Print credentials as variables for a tool that cannot use the proxy",
  synopsis: "PROVIDER [--connection NAME] [--format env|shell|dotenv|json] [--json]",
  description: 'In a shell: eval "$(authsome export PROVIDER)" (env and shell both print export\n' +
    "NAME='value' lines); --format dotenv writes a .env file, json an object for scripts.",
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
      description: "env (default), shell, dotenv or json (--json: json)",
    },
  },
  positionals: { min: 1, max: 1 },
});

/** `authsome run`. */
export const runSpec = defineCommand({
  name: "run",
  summary: "Run a command behind the proxy that injects credentials",
  synopsis:
    "[--connection PROVIDER=NAME]... [--upstream URL] [--upstream-ca FILE] [--resolve HOST:PORT:ADDR]...\n" +
    "       [--connect-to HOST1:PORT1:HOST2:PORT2]... [--deny-unmatched] [--sandbox[=network]]\n" +
    "       [--allow PROVIDER[:METHODS][:PATH]]... [--max-requests PROVIDER=N]... [--policy FILE] -- CMD ARGS...",
  description:
    "CMD gets HTTP(S)_PROXY with a per-run token, the CA variables and placeholder keys, never a secret.\n" +
    "It exits with CMD's exit code, or 128+N when CMD died of signal N.\n" +
    "--allow limits what a provider's credential may serve in this run (github:GET,HEAD:/repos/acme/**;\n" +
    "* is any text in one path segment, ** any number of segments); --max-requests caps how many.\n" +
    "A request outside them gets 403 or 429 from the proxy and never reaches the provider.",
  options: {
    connection: {
      type: "string",
      short: "c",
      multiple: true,
      value: "PROVIDER=NAME",
      description: "Connection to use for a provider",
    },
    upstream: {
      type: "string",
      value: "URL",
      description: "Send all traffic through this http:// proxy",
    },
    "upstream-ca": {
      type: "string",
      multiple: true,
      value: "FILE",
      description: "Also trust this CA (PEM) upstream",
    },
    resolve: {
      type: "string",
      multiple: true,
      value: "HOST:PORT:ADDR",
      description: "Connect to ADDR for HOST:PORT (as curl)",
    },
    "connect-to": {
      type: "string",
      multiple: true,
      value: "H1:P1:H2:P2",
      description: "Connect to H2:P2 for H1:P1 (as curl)",
    },
    "deny-unmatched": {
      type: "boolean",
      description: "Refuse requests to hosts no provider declares",
    },
    sandbox: {
      type: "boolean",
      optionalValue: true,
      value: "network",
      description:
        "Run CMD where it cannot reach the vault key (bubblewrap; macOS sandbox-exec); =network: its only way out is the proxy; =off. Default: AUTHSOME_SANDBOX",
    },
    allow: {
      type: "string",
      multiple: true,
      value: "RULE",
      description: "Let PROVIDER's credential serve only these methods and paths",
    },
    "max-requests": {
      type: "string",
      multiple: true,
      value: "PROVIDER=N",
      description: "Let PROVIDER's credential serve at most N requests",
    },
    policy: {
      type: "string",
      value: "FILE",
      description: "Rules and budgets from a JSON file (see authsome policy check)",
    },
  },
  positionals: { min: 0, max: 0 },
  passthrough: true,
  jsonRefused: "its output is the command's own",
});

/** `authsome log`. */
export const logSpec = defineCommand({
  name: "log",
  summary: "Show the audit log of proxied requests",
  synopsis: "[-n N] [--json] [--follow]",
  options: {
    lines: {
      type: "string",
      short: "n",
      value: "N",
      description: "How many of the last entries (default 20; 0 for all)",
    },
    follow: { type: "boolean", short: "f", description: "Keep printing new entries" },
  },
  positionals: { min: 0, max: 0 },
});

/** `authsome vault rekey`. */
export const vaultRekeySpec = defineCommand({
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
});

/** `authsome doctor`. */
export const doctorSpec = defineCommand({
  name: "doctor",
  summary: "Check the home, vault, key source, providers and the local CA",
  synopsis: "[--clients] [--json]",
  description:
    "--clients runs each HTTP client found on PATH (curl, wget, python3 requests/httpx/aiohttp/certifi,\n" +
    "node, deno, bun, go, git) as run would, against a check endpoint on 127.0.0.1, and shows per\n" +
    "client: uses the proxy, sends the per-run token, trusts the CA, the credential arrives.",
  options: {
    clients: {
      type: "boolean",
      description: "Check the HTTP clients on PATH through a real run (loopback only)",
    },
  },
  positionals: { min: 0, max: 0 },
  reportsUnsafeHome: true,
});

/** `authsome providers validate`. */
export const providersValidateSpec = defineCommand({
  name: "providers validate",
  summary: "Check a provider JSON file and print every problem with its JSON path",
  synopsis: "FILE [--json]",
  options: {},
  positionals: { min: 1, max: 1 },
});

/** `authsome providers approve`. */
export const providersApproveSpec = defineCommand({
  name: "providers approve",
  summary: "Let a provider's connections send their credential to its current routes",
  synopsis: "PROVIDER [--yes]",
  description:
    "Each connection is sealed, inside the vault, to the routes (host, port, path prefix) its\n" +
    "provider declared at login. A route added since (a provider file, a new release) gets no\n" +
    "credential until approved here. Shows the difference, asks on a terminal, then re-seals every\n" +
    "connection of PROVIDER. Without a terminal, --yes is required.",
  options: {
    yes: { type: "boolean", short: "y", description: "Approve without asking (for scripts)" },
  },
  positionals: { min: 1, max: 1 },
});

/** `authsome policy check`. */
export const policyCheckSpec = defineCommand({
  name: "policy check",
  summary: "Check a run policy file and print its problems, or the rules it gives each provider",
  synopsis: "FILE [--json]",
  description:
    "A policy file limits what a run may do with each provider's credential, as `run --policy FILE`:\n" +
    '{"providers": {"github": {"allow": [{"methods": ["GET"], "path": "/repos/acme/**"}], "max_requests": 100}}}\n' +
    "In a path, * is any text inside one segment and ** any number of segments. A file with\n" +
    "problems exits 2, as run does before it starts anything.",
  options: {},
  positionals: { min: 1, max: 1 },
});

/** `authsome cert path`. */
export const certPathSpec = defineCommand({
  name: "cert path",
  summary: "Print the path of the local CA certificate (made on first use)",
  synopsis: "[--json]",
  options: {},
  positionals: { min: 0, max: 0 },
});

/** `authsome cert export`. */
export const certExportSpec = defineCommand({
  name: "cert export",
  summary: "Write the local CA certificate as PEM or DER",
  synopsis: "[--format pem|der] [-o FILE]",
  options: {
    format: { type: "string", value: "FORMAT", description: "pem (default) or der" },
    output: {
      type: "string",
      short: "o",
      value: "FILE",
      description: "Write to FILE instead of standard output",
    },
  },
  positionals: { min: 0, max: 0 },
  jsonRefused: "it writes the certificate; use --format pem or der",
});

/** `authsome cert status`. */
export const certStatusSpec = defineCommand({
  name: "cert status",
  summary: "Show the local CA, the names it may certify, and which trust stores trust it",
  synopsis: "[--json]",
  description:
    "Exits 0 when every trust store found trusts the CA, 1 when one does not, 3 when there is no CA.",
  options: {},
  positionals: { min: 0, max: 0 },
});

/** The flags of cert install and cert uninstall: which stores, and a dry run. */
export const trustStoreOptions = {
  system: { type: "boolean", description: "Only the machine's stores (may need root)" },
  user: { type: "boolean", description: "Only this user's stores" },
  store: {
    type: "string",
    multiple: true,
    value: "KIND",
    description:
      "Only this kind: system, nss, java, keychain-login, keychain-system, windows-user, windows-machine",
  },
  "dry-run": { type: "boolean", description: "Print the commands, run none" },
  platform: { type: "string", value: "NAME", description: "With --dry-run: another platform" },
} as const satisfies Options;

/** `authsome cert install`. */
export const certInstallSpec = defineCommand({
  name: "cert install",
  summary: "Add the local CA to this machine's trust stores",
  synopsis: "[--system | --user] [--store KIND]... [--dry-run [--platform NAME|all]]",
  description:
    "Idempotent and never interactive: a store that needs root is left alone and the error\n" +
    "names the exact commands to run with sudo (or as administrator). --dry-run prints the\n" +
    "commands instead of running them; with --platform, those of another platform\n" +
    "(debian, alpine, fedora, arch, opensuse, macos, windows, or all).",
  options: trustStoreOptions,
  positionals: { min: 0, max: 0 },
});

/** `authsome cert uninstall`. */
export const certUninstallSpec = defineCommand({
  name: "cert uninstall",
  summary: "Remove the local CA from this machine's trust stores",
  synopsis: "[--system | --user] [--store KIND]... [--dry-run [--platform NAME|all]]",
  description: "Idempotent and never interactive, like cert install.",
  options: trustStoreOptions,
  positionals: { min: 0, max: 0 },
});

/** `authsome cert rotate`. */
export const certRotateSpec = defineCommand({
  name: "cert rotate",
  summary: "Replace the local CA: the old one leaves every store it was in, the new one goes there",
  synopsis: "[--json]",
  description:
    "The new CA's name constraints cover the providers known now. Not needed after adding a\n" +
    "provider on a new domain (run certifies it with a second CA); it folds both into one.",
  options: {},
  positionals: { min: 0, max: 0 },
});
