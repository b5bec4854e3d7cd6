/** `authsome set-default PROVIDER CONNECTION`: the connection run and export use by default. */

import { getProvider } from "../../providers/registry.ts";
import { checkConnectionName, setDefaultConnection } from "../../vault/connections.ts";
import { updateVault } from "../../vault/store.ts";
import type { Context } from "../command.ts";
import { EXIT } from "../exit_codes.ts";
import { keyContext } from "../vault_access.ts";

/** Runs the command. */
export async function run(ctx: Context): Promise<number> {
  const provider = getProvider(await ctx.registry(), ctx.args.positionals[0]);
  const name = checkConnectionName(ctx.args.positionals[1]);
  await updateVault(
    keyContext(ctx),
    (records) => setDefaultConnection(records, provider.name, name),
  );
  if (ctx.flags.json) ctx.out.json({ provider: provider.name, default: name });
  else {ctx.out.line(
      `The default connection of ${provider.definition.display_name} is now "${name}"`,
    );}
  return EXIT.ok;
}
