/**
 * `authsome cert rotate`: a new CA, constrained to the domains of the providers
 * known now; the old one leaves every store it was in, and the new one goes there.
 */

import { applyTrust, type Outcome, rotateCa } from "../../tls/trust/mod.ts";
import { constraintsFor, loadUserDomainsCa, userDomainsDir } from "../../tls/mod.ts";
import type { Context } from "../command.ts";
import { EXIT } from "../exit_codes.ts";
import { reportOutcomes, thisMachine } from "./cert_shared.ts";

/**
 * Folds the second CA (src/tls/user_domains_ca.ts) into the new first one:
 * it leaves every store it was in, and its folder goes once none is left.
 */
async function retireSecond(
  ctx: Context,
  machine: ReturnType<typeof thisMachine>,
): Promise<{ existed: boolean; removed: Outcome[] }> {
  const second = await loadUserDomainsCa(ctx.paths.ca);
  if (!second) return { existed: false, removed: [] };
  const outcomes = await applyTrust("uninstall", second, machine.stores, machine.exec);
  const removed = outcomes.filter((o) => o.kind !== "skipped");
  if (removed.every((o) => o.kind === "done")) {
    await Deno.remove(userDomainsDir(ctx.paths.ca), { recursive: true });
  }
  return { existed: true, removed };
}

/** Runs the command. */
export async function run(ctx: Context): Promise<number> {
  const { permitted } = await constraintsFor((await ctx.registry()).routes);
  const machine = thisMachine(ctx);
  const rotation = await rotateCa(ctx.paths.ca, permitted, machine.stores, machine.exec);
  const { ca, old } = rotation;
  const second = await retireSecond(ctx, machine);
  const unfinished = [...rotation.removed, ...rotation.added, ...second.removed].filter((o) =>
    o.kind === "failed" || o.kind === "needs_privilege"
  );
  if (ctx.flags.json) {
    ctx.out.json({
      created: old === undefined,
      old_sha256: old?.cert.fingerprint256 ?? null,
      sha256: ca.cert.fingerprint256,
      path: ca.paths.cert,
      retired: rotation.retired ?? null,
      name_constraints: ca.permitted ?? null,
      stores: rotation.stores.map((store) => store.id),
      second_ca_retired: second.existed,
      ok: unfinished.length === 0,
    });
    return unfinished.length === 0 ? EXIT.ok : EXIT.error;
  }
  // No hint to install: programs started by `authsome run` trust the CA without it.
  if (!old) {
    ctx.out.line(`There was no CA: made one at ${ca.paths.cert}`);
    return EXIT.ok;
  }
  ctx.out.line(`Made a new CA (SHA-256 ${ca.cert.fingerprint256})`);
  ctx.out.line(`  it may certify names under ${permitted.dns.length} domain(s)`);
  ctx.out.line(`  the old certificate is kept in ${rotation.retired}`);
  if (second.existed) ctx.out.line("  it covers the second CA's domains too: that CA is retired");
  const secondDone = second.removed.length === 0 ? EXIT.ok : reportOutcomes(
    ctx,
    "uninstall",
    second.removed,
    "the second CA",
  );
  if (rotation.stores.length === 0) {
    ctx.out.line("The old CA was in no trust store, so none needed a change");
    return secondDone;
  }
  const removed = reportOutcomes(ctx, "uninstall", rotation.removed, "the old CA");
  const added = reportOutcomes(ctx, "install", rotation.added, "the new CA");
  return removed === EXIT.ok && added === EXIT.ok ? secondDone : EXIT.error;
}
