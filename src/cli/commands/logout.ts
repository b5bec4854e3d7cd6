/** `authsome logout PROVIDER [--connection NAME]`: removes one connection. */

import { getProvider } from "../../providers/registry.ts";
import {
  checkConnectionName,
  defaultConnection,
  removeConnection,
} from "../../vault/connections.ts";
import { updateVault } from "../../vault/store.ts";
import type { Context } from "../command.ts";
import { EXIT } from "../exit_codes.ts";
import { keyContext } from "../vault_access.ts";

/** Runs the command. */
export async function run(ctx: Context): Promise<number> {
  const provider = getProvider(await ctx.registry(), ctx.args.positionals[0]);
  const given = ctx.args.values.connection as string | undefined;
  const result = await updateVault(keyContext(ctx), (records) => {
    const name = given === undefined
      ? defaultConnection(records, provider.name)
      : checkConnectionName(given);
    const wasDefault = name !== undefined && defaultConnection(records, provider.name) === name;
    const next = removeConnection(records, provider.name, name ?? "default");
    return { name: name ?? "default", wasDefault, next };
  });
  if (ctx.flags.json) {
    ctx.out.json({ provider: provider.name, removed: result.name, default: result.next ?? null });
    return EXIT.ok;
  }
  ctx.out.line(`Removed connection "${result.name}" of ${provider.definition.display_name}`);
  if (result.wasDefault && result.next) {
    ctx.out.line(`The default connection is now "${result.next}"`);
  }
  return EXIT.ok;
}
