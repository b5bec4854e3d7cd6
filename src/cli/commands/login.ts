/**
 * `authsome login PROVIDER`: stores an API key (or a token pasted for an
 * OAuth2 provider, `--flow api_key`) as a connection, or hands an OAuth2
 * sign-in to `../oauth_login.ts`. Every input is read and checked before
 * the vault is touched, so a bad key or Ctrl-C leaves nothing behind.
 */

import { AuthsomeError } from "../../errors.ts";
import { getProvider, type Provider } from "../../providers/registry.ts";
import type { FieldSpec } from "../../providers/schema.ts";
import { primaryField } from "../../providers/compile.ts";
import { Secret } from "../../secret.ts";
import { closest } from "../../suggest.ts";
import { sealOf } from "../../auth/binding.ts";
import { checkConnectionName, DEFAULT_CONNECTION, putConnection } from "../../vault/connections.ts";
import { updateVault } from "../../vault/store.ts";
import type { Context } from "../command.ts";
import type { loginSpec } from "../command_specs.ts";
import { EXIT } from "../exit_codes.ts";
import { promptHidden } from "../prompt.ts";
import { readKey } from "../read_secret.ts";
import { keyContext } from "../vault_access.ts";

function checkPattern(
  value: Secret,
  pattern: string | undefined,
  what: string,
  hint?: string,
): void {
  if (pattern && !new RegExp(pattern).test(value.reveal())) {
    throw new AuthsomeError("usage", `The ${what} does not look right (expected ${pattern})`, {
      hint,
    });
  }
}

function parseFieldFlags(
  flags: readonly string[],
  specs: readonly FieldSpec[],
): Map<string, string> {
  const given = new Map<string, string>();
  for (const flag of flags) {
    const eq = flag.indexOf("=");
    const name = eq === -1 ? flag : flag.slice(0, eq);
    if (eq === -1) throw new AuthsomeError("usage", `--field "${flag}" needs the form name=value`);
    if (!specs.some((spec) => spec.name === name)) {
      const guess = closest(name, specs.map((s) => s.name));
      const known = specs.length > 0
        ? `its fields: ${specs.map((s) => s.name).join(", ")}`
        : "it has no extra fields";
      throw new AuthsomeError(
        "usage",
        `Unknown field "${name}"${guess ? `; did you mean "${guess}"?` : ""}`,
        {
          hint: `This provider takes ${known}`,
        },
      );
    }
    given.set(name, flag.slice(eq + 1));
  }
  return given;
}

async function readFields(
  ctx: Context<typeof loginSpec.options>,
  provider: Provider,
): Promise<Record<string, Secret>> {
  const specs = provider.definition.fields;
  const given = parseFieldFlags(ctx.args.values.field, specs);
  const fields: Record<string, Secret> = {};
  for (const spec of specs) {
    let value = given.get(spec.name);
    if (value === undefined && Deno.stdin.isTerminal()) {
      value = spec.secret
        ? await promptHidden(`${spec.label}: `)
        : prompt(`${spec.label}:`, spec.default) ?? "";
    }
    value ??= spec.default;
    if (value === undefined || value === "") {
      throw new AuthsomeError("usage", `Missing field "${spec.name}" (${spec.label})`, {
        hint: `Give it with --field ${spec.name}=VALUE`,
      });
    }
    const secret = new Secret(value);
    checkPattern(secret, spec.pattern, spec.label, spec.hint);
    fields[spec.name] = secret;
  }
  return fields;
}

/** Runs the command. */
export async function run(ctx: Context<typeof loginSpec.options>): Promise<number> {
  const provider = getProvider(await ctx.registry(), ctx.args.positionals[0]);
  const def = provider.definition;
  const name = checkConnectionName(
    ctx.args.values.connection ?? DEFAULT_CONNECTION,
  );
  const flow = ctx.args.values.flow;
  const fromEnv = ctx.args.values["from-env"];
  const stdin = ctx.args.values["key-stdin"];
  const values = ctx.args.values;
  const oauthFlags = Object.entries({
    scopes: values.scopes !== undefined,
    "client-id": values["client-id"] !== undefined,
    "client-secret-stdin": values["client-secret-stdin"],
    "callback-port": values["callback-port"] !== undefined,
  }).filter(([, given]) => given).map(([flag]) => flag);
  if (def.auth_type === "api_key" && (oauthFlags.length > 0 || (flow ?? "api_key") !== "api_key")) {
    const what = flow !== undefined && flow !== "api_key" ? `--flow ${flow}` : `--${oauthFlags[0]}`;
    throw new AuthsomeError(
      "usage",
      `Provider "${def.name}" uses API keys; ${what} does not apply`,
    );
  }
  const pasted = fromEnv !== undefined || stdin;
  if (def.auth_type === "oauth2" && pasted && flow !== undefined && flow !== "api_key") {
    throw new AuthsomeError(
      "usage",
      `--flow ${flow} signs in; it takes no --key-stdin or --from-env`,
      {
        hint:
          `To store a token you already have: authsome login ${def.name} --flow api_key --key-stdin`,
      },
    );
  }
  if (def.auth_type === "oauth2" && !pasted && flow !== "api_key") {
    // The OAuth code loads only for an OAuth sign-in.
    const { loginWithOAuth } = await import("../oauth_login.ts");
    return await loginWithOAuth(ctx, provider, name, await readFields(ctx, provider));
  }
  const label = def.auth_type === "oauth2"
    ? `${def.display_name} access token`
    : `${def.display_name} API key`;
  const key = await readKey({ fromEnv, stdin, env: ctx.env }, label);
  if (def.auth_type === "api_key") {
    checkPattern(key, def.api_key?.pattern, label, def.api_key?.hint);
  }
  const fields = { ...(await readFields(ctx, provider)), [primaryField(def)]: key };
  const now = new Date().toISOString();
  const madeDefault = await updateVault(keyContext(ctx), (records) =>
    putConnection(records, {
      provider: def.name,
      name,
      authType: def.auth_type,
      fields,
      flow: "api_key",
      ...sealOf(provider),
      createdAt: now,
      updatedAt: now,
    }, ctx.args.values.force));
  if (ctx.flags.json) {
    ctx.out.json({ provider: def.name, connection: name, default: madeDefault });
  } else {
    ctx.out.line(
      `Logged in to ${def.display_name} as connection "${name}"${madeDefault ? " (default)" : ""}`,
    );
  }
  return EXIT.ok;
}
