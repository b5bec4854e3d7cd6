/**
 * `authsome providers approve PROVIDER [--yes]`: shows how the provider's
 * current routes differ from those its connections are sealed to, asks on a
 * terminal, and re-seals every connection of the provider to the current routes.
 */

import { routeChange, sealProvider } from "../../auth/binding.ts";
import { AuthsomeError } from "../../errors.ts";
import { getProvider } from "../../providers/registry.ts";
import { listConnections } from "../../vault/connections.ts";
import { updateVault } from "../../vault/store.ts";
import type { Context } from "../command.ts";
import type { providersApproveSpec } from "../command_specs.ts";
import { EXIT } from "../exit_codes.ts";
import { keyContext, openConnections } from "../vault_access.ts";

/** Runs the command. */
export async function run(ctx: Context<typeof providersApproveSpec.options>): Promise<number> {
  const { records, registry } = await openConnections(ctx);
  const provider = getProvider(registry, ctx.args.positionals[0]);
  const mine = listConnections(records).filter((c) => c.provider === provider.name);
  if (mine.length === 0) {
    throw new AuthsomeError("not_found", `Provider "${provider.name}" has no connection`, {
      hint: `Nothing to approve; a login seals its routes: authsome login ${provider.name}`,
    });
  }
  const change = routeChange(records, provider);
  const source = provider.source.kind === "bundled" ? "bundled" : provider.source.path;
  if (!change) {
    if (ctx.flags.json) {
      ctx.out.json({ provider: provider.name, approved: false, added: [], removed: [] });
    } else {
      ctx.out.line(`Every connection of "${provider.name}" is sealed to its current routes`);
    }
    return EXIT.ok;
  }
  if (!ctx.flags.json) {
    ctx.out.line(
      `Routes of "${provider.name}" (from ${source}) that differ from those sealed for connection(s) ${
        change.connections.join(", ")
      }:`,
    );
    for (const route of change.added) ctx.out.line(`  + ${route}   (its credential would go here)`);
    for (const route of change.removed) ctx.out.line(`  - ${route}   (no longer injected)`);
  }
  if (!ctx.args.values.yes) {
    if (!Deno.stdin.isTerminal()) {
      throw new AuthsomeError("usage", "No terminal to confirm the change on", {
        hint: `Check the routes above, then run: authsome providers approve ${provider.name} --yes`,
      });
    }
    if (!confirm(`Send the "${provider.name}" credential to these routes?`)) {
      throw new AuthsomeError("cancelled", "Not approved; nothing was changed");
    }
  }
  const sealed = await updateVault(keyContext(ctx), (current) => sealProvider(current, provider));
  if (ctx.flags.json) {
    ctx.out.json({
      provider: provider.name,
      approved: true,
      connections: sealed,
      added: change.added,
      removed: change.removed,
    });
  } else {
    ctx.out.line(`Sealed ${sealed} connection(s) of "${provider.name}" to its current routes`);
  }
  return EXIT.ok;
}
