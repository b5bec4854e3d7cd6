/** `authsome export PROVIDER`: the provider's export variables with their values, for tools that cannot use the proxy. */

import { AuthsomeError } from "../../errors.ts";
import { getProvider } from "../../providers/registry.ts";
import { CredentialSource } from "../../auth/credentials.ts";
import { checkConnectionName } from "../../vault/connections.ts";
import { readVault } from "../../vault/store.ts";
import type { Context } from "../command.ts";
import type { exportSpec } from "../command_specs.ts";
import { EXIT } from "../exit_codes.ts";
import { EXPORT_FORMATS, type ExportFormat, formatExport } from "../export_format.ts";
import { keyContext } from "../vault_access.ts";

/** Runs the command. */
export async function run(ctx: Context<typeof exportSpec.options>): Promise<number> {
  const given = ctx.args.values.format;
  if (ctx.flags.json && given !== undefined && given !== "json") {
    throw new AuthsomeError("usage", `--json asks for --format json, not "${given}"`);
  }
  const format = ctx.flags.json ? "json" : given ?? "env";
  if (!EXPORT_FORMATS.includes(format as ExportFormat)) {
    throw new AuthsomeError("usage", `Unknown format "${format}"`, {
      hint: `Use one of: ${EXPORT_FORMATS.join(", ")}`,
    });
  }
  const connectionName = ctx.args.values.connection;
  const vault = keyContext(ctx);
  const { records } = await readVault(vault);
  const registry = await ctx.registry(records);
  const provider = getProvider(registry, ctx.args.positionals[0]);
  // An OAuth2 token about to expire is refreshed before it is handed out, as the proxy would.
  const source = new CredentialSource(registry, records, new Map(), { vault });
  const connection = await source.connection(
    provider.name,
    connectionName === undefined ? undefined : checkConnectionName(connectionName),
  );
  const mapping = Object.entries(provider.definition.export);
  if (mapping.length === 0) {
    throw new AuthsomeError(
      "not_found",
      `Provider "${provider.name}" declares no export variables`,
      {
        hint: `Use: authsome run -- CMD`,
      },
    );
  }
  const variables = mapping.flatMap(([env, field]) => {
    const value = connection.fields[field];
    return value === undefined ? [] : [[env, value.reveal()] as const];
  });
  ctx.out.raw(formatExport(variables, format as ExportFormat));
  ctx.out.note(
    "note: these are live secrets; `authsome run -- CMD` keeps them out of the environment",
  );
  return EXIT.ok;
}
