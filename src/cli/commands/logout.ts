/**
 * `authsome logout PROVIDER [--connection NAME]`: revokes an OAuth2
 * connection's tokens where the provider has a revocation endpoint (RFC
 * 7009), then removes the connection, even when revocation failed.
 */

import { changedEndpoints } from "../../auth/binding.ts";
import { getProvider, type Provider } from "../../providers/registry.ts";
import {
  checkConnectionName,
  type Connection,
  defaultConnection,
  getConnection,
  removeConnection,
} from "../../vault/connections.ts";
import { readVault, type Records, updateVault } from "../../vault/store.ts";
import type { Context } from "../command.ts";
import type { logoutSpec } from "../command_specs.ts";
import { EXIT } from "../exit_codes.ts";
import type { Output } from "../output.ts";
import { keyContext } from "../vault_access.ts";

type Revoked = "none" | "revoked" | "failed";

async function revoke(
  out: Output,
  provider: Provider,
  records: Records,
  connection: Connection,
): Promise<Revoked> {
  if (connection.authType !== "oauth2" || !provider.definition.oauth) return "none";
  const changed = changedEndpoints(connection, provider);
  if (changed.length > 0) {
    out.warn(
      `not revoking: the OAuth endpoints of "${provider.name}" changed since login (${
        changed.join(", ")
      }); revoke the grant at the provider if needed`,
    );
    return "failed";
  }
  // The OAuth code loads only for an OAuth connection.
  const { revokeConnection } = await import("../../auth/oauth/mod.ts");
  const results = await revokeConnection(provider, records, connection);
  if (!results || results.length === 0) return "none";
  const failed = results.filter((r) => r.kind === "failed");
  for (const failure of failed) {
    if (failure.kind !== "failed") continue;
    out.warn(`could not revoke the ${failure.token.replace("_", " ")}: ${failure.reason}`);
  }
  return failed.length === 0 ? "revoked" : "failed";
}

/** Runs the command. */
export async function run(ctx: Context<typeof logoutSpec.options>): Promise<number> {
  const provider = getProvider(await ctx.registry(), ctx.args.positionals[0]);
  const given = ctx.args.values.connection;
  const keys = keyContext(ctx);
  const { records } = await readVault(keys);
  const wanted = given === undefined
    ? defaultConnection(records, provider.name)
    : checkConnectionName(given);
  const connection = getConnection(records, provider.name, wanted);
  const revoked = await revoke(ctx.out, provider, records, connection);
  const result = await updateVault(keys, (current) => {
    const wasDefault = defaultConnection(current, provider.name) === connection.name;
    const next = removeConnection(current, provider.name, connection.name);
    return { wasDefault, next };
  });
  if (ctx.flags.json) {
    ctx.out.json({
      provider: provider.name,
      removed: connection.name,
      default: result.next ?? null,
      revoked,
    });
    return EXIT.ok;
  }
  const title = provider.definition.display_name;
  if (revoked === "revoked") ctx.out.line(`Revoked the tokens of "${connection.name}" at ${title}`);
  if (revoked === "failed") {
    ctx.out.line(`Revocation at ${title} failed; the connection is removed from authsome anyway`);
  }
  ctx.out.line(`Removed connection "${connection.name}" of ${title}`);
  if (result.wasDefault && result.next) {
    ctx.out.line(`The default connection is now "${result.next}"`);
  }
  return EXIT.ok;
}
