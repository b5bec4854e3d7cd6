/**
 * The terminal side of an OAuth2 login: reads the flags and the client
 * secret, picks the flow, shows the URL or the user code, opens the
 * browser, waits (Ctrl-C cancels), and stores the connection and the client.
 * The protocol work is in `src/auth/oauth/`.
 */

import { sealOf } from "../auth/binding.ts";
import { AuthsomeError } from "../errors.ts";
import {
  browserCommand,
  chooseFlow,
  getClient,
  type LoginEvents,
  loginOAuth,
  type LoginResult,
  type OAuthFlow,
  putClient,
  realClock,
  type Surroundings,
} from "../auth/oauth/mod.ts";
import type { Provider } from "../providers/registry.ts";
import { Secret } from "../secret.ts";
import { connectionStatus } from "../auth/renewal.ts";
import { type Connection, getConnection, putConnection } from "../vault/connections.ts";
import { readVault, type Records, updateVault } from "../vault/store.ts";
import type { Context } from "./command.ts";
import type { loginSpec } from "./command_specs.ts";
import { EXIT } from "./exit_codes.ts";
import type { Output } from "./output.ts";
import { readStdinSecret } from "./read_secret.ts";
import { describeExpiry } from "./time.ts";
import { keyContext } from "./vault_access.ts";

/** How long the browser sign-in may take, in the server's seconds. */
const BROWSER_TIMEOUT_SECONDS = 300;

/** True when an existing connection may be replaced without --force: it no longer works. */
function replaceable(records: Records, provider: string, name: string): boolean {
  try {
    return connectionStatus(getConnection(records, provider, name), Date.now()) !== "connected";
  } catch {
    return true;
  }
}

function openBrowser(argv: readonly string[] | undefined): boolean {
  if (!argv) return false;
  try {
    const child = new Deno.Command(argv[0], {
      args: argv.slice(1),
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    child.status.catch(() => {});
    child.unref();
    return true;
  } catch {
    return false;
  }
}

function events(out: Output, title: string, surroundings: Surroundings): LoginEvents {
  return {
    authorize(url) {
      out.note(`Sign in to ${title} in your browser:\n\n  ${url}\n`);
      const opened = openBrowser(browserCommand(url, surroundings));
      out.note(
        opened
          ? "Opened the browser; if nothing appeared, open the URL above."
          : "Open the URL above in a browser on this machine.",
      );
      out.note("Waiting for the sign-in to finish (Ctrl-C to cancel)...");
    },
    device(info) {
      out.note(
        `To sign in to ${title}, open ${info.verificationUri}\nand enter the code: ${info.userCode}`,
      );
      if (info.verificationUriComplete) out.note(`(or open ${info.verificationUriComplete})`);
      const expires = info.expiresInSeconds === undefined
        ? ""
        : `; the code expires in ${Math.round(info.expiresInSeconds / 60)} min`;
      out.note(`Waiting for approval${expires} (Ctrl-C to cancel)...`);
    },
    registered(clientId) {
      out.note(`Registered authsome with ${title} as OAuth client "${clientId}"`);
    },
    refused(reason) {
      out.warn(`${reason}; still waiting`);
    },
  };
}

/** `--callback-port PORT`: a port a user may listen on and register (1024-65535). */
function portFlag(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port < 1024 || port > 65535) {
    throw new AuthsomeError(
      "usage",
      `--callback-port takes a port from 1024 to 65535, not "${raw}"`,
    );
  }
  return port;
}

async function signIn(
  ctx: Context<typeof loginSpec.options>,
  provider: Provider,
  flow: OAuthFlow,
  surroundings: Surroundings,
  records: Records,
): Promise<LoginResult> {
  const def = provider.definition;
  const spec = def.oauth!;
  const values = ctx.args.values;
  if (values["client-secret-stdin"] && values["key-stdin"]) {
    throw new AuthsomeError("usage", "Use --client-secret-stdin or --key-stdin, not both");
  }
  const clientSecret = values["client-secret-stdin"]
    ? await readStdinSecret("client secret")
    : undefined;
  const scopes = values.scopes !== undefined
    ? values.scopes.split(/[\s,]+/).filter((s) => s !== "")
    : spec.scopes;
  // A test entry may shorten a second so that polling and timeouts run fast.
  const clock = ctx.seams?.loginClock ?? realClock;
  const callbackPort = portFlag(values["callback-port"]);
  const abort = new AbortController();
  const cancel = () => abort.abort();
  Deno.addSignalListener("SIGINT", cancel);
  try {
    return await loginOAuth({
      provider: def.name,
      title: def.display_name,
      spec,
      flow,
      scopes,
      flags: { clientId: values["client-id"], clientSecret },
      stored: getClient(records, def.name),
      clock,
      signal: abort.signal,
      timeoutMs: BROWSER_TIMEOUT_SECONDS * clock.secondMs,
      callbackPort,
    }, events(ctx.out, def.display_name, surroundings));
  } finally {
    Deno.removeSignalListener("SIGINT", cancel);
  }
}

/** Signs in to an OAuth2 provider and stores the connection; returns the exit code. */
export async function loginWithOAuth(
  ctx: Context<typeof loginSpec.options>,
  provider: Provider,
  name: string,
  fields: Readonly<Record<string, Secret>>,
): Promise<number> {
  const def = provider.definition;
  const force = ctx.args.values.force;
  const surroundings: Surroundings = {
    os: Deno.build.os,
    env: ctx.env,
    interactive: Deno.stdin.isTerminal() && Deno.stderr.isTerminal(),
  };
  const flow = chooseFlow(
    ctx.args.values.flow,
    def.oauth!,
    surroundings,
    def.name,
  );
  const keys = keyContext(ctx);
  const { records } = await readVault(keys);
  // Refuse before the browser dance, not after it.
  if (!force && !replaceable(records, def.name, name)) {
    throw new AuthsomeError(
      "conflict",
      `Provider "${def.name}" already has a connection "${name}"`,
      { hint: "Replace it with --force, or pick another name with --connection NAME" },
    );
  }
  const result = await signIn(ctx, provider, flow, surroundings, records);
  const now = Date.now();
  const tokens = result.tokens;
  const connection: Connection = {
    provider: def.name,
    name,
    authType: "oauth2",
    fields: {
      ...fields,
      access_token: tokens.accessToken,
      ...(tokens.refreshToken ? { refresh_token: tokens.refreshToken } : {}),
      client_id: new Secret(result.clientId),
    },
    expiresAt: tokens.expiresAt,
    scopes: tokens.scopes,
    flow,
    ...sealOf(provider),
    createdAt: new Date(now).toISOString(),
    updatedAt: new Date(now).toISOString(),
  };
  const madeDefault = await updateVault(keys, (current) => {
    if (result.storeClient) putClient(current, def.name, result.storeClient);
    return putConnection(current, connection, force || replaceable(current, def.name, name));
  });
  const expires = tokens.expiresAt === undefined ? null : new Date(tokens.expiresAt).toISOString();
  if (ctx.flags.json) {
    ctx.out.json({
      provider: def.name,
      connection: name,
      default: madeDefault,
      flow,
      scopes: tokens.scopes ?? null,
      expires_at: expires,
      refresh_token: tokens.refreshToken !== undefined,
    });
    return EXIT.ok;
  }
  const scopes = tokens.scopes ? `; scopes: ${tokens.scopes.join(" ")}` : "";
  const expiry = tokens.expiresAt === undefined ? "" : `; ${describeExpiry(tokens.expiresAt, now)}`;
  ctx.out.line(
    `Logged in to ${def.display_name} as connection "${name}"${
      madeDefault ? " (default)" : ""
    }${scopes}${expiry}`,
  );
  return EXIT.ok;
}
