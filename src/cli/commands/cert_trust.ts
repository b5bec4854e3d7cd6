/** `authsome cert install` and `authsome cert uninstall`: add or remove the CA in this machine's trust stores, or print the plan. */

import { planTrust, PLATFORMS, platformStores } from "../../tls/trust/mod.ts";
import { applyTrust, caRef, type Platform, selectStores } from "../../tls/trust/mod.ts";
import { loadUserDomainsCa } from "../../tls/mod.ts";
import { usage } from "../args.ts";
import type { Context } from "../command.ts";
import type { trustStoreOptions } from "../command_specs.ts";
import { EXIT } from "../exit_codes.ts";
import {
  findProvidersCa,
  noStores,
  openProvidersCa,
  plansJson,
  printPlans,
  reportOutcomes,
  storeFilter,
  thisMachine,
  warnUncovered,
} from "./cert_shared.ts";

function platformsOf(ctx: Context<typeof trustStoreOptions>): readonly Platform[] | undefined {
  const value = ctx.args.values.platform;
  if (value === undefined) return undefined;
  if (!ctx.args.values["dry-run"]) throw usage("--platform works only with --dry-run");
  if (value === "all") return PLATFORMS;
  if (!PLATFORMS.includes(value as Platform)) {
    throw usage(`Unknown platform "${value}"`, `Use one of: ${PLATFORMS.join(", ")}, all`);
  }
  return [value as Platform];
}

/** Runs `install` or `uninstall`. */
export async function trustCommand(
  ctx: Context<typeof trustStoreOptions>,
  action: "install" | "uninstall",
): Promise<number> {
  const filter = storeFilter(ctx);
  const platforms = platformsOf(ctx);
  const dryRun = ctx.args.values["dry-run"];
  const checked = action === "install" ? await openProvidersCa(ctx) : await findProvidersCa(ctx);
  if (!checked) {
    if (ctx.flags.json) ctx.out.json({ action, ok: true, stores: [] });
    else ctx.out.line("There is no local CA yet: nothing to uninstall");
    return EXIT.ok;
  }
  const { ca } = checked;
  const ref = caRef(ca.cert, ca.paths.cert);
  if (platforms) {
    // Another platform's stores cannot be probed: every step is shown, as a non-root user runs it.
    const home = ctx.env.HOME ?? ctx.env.USERPROFILE ?? ".";
    const sections = [];
    for (const platform of platforms) {
      const stores = selectStores(platformStores(platform, home), filter);
      sections.push({ platform, plans: await planTrust(action, ref, stores) });
    }
    if (ctx.flags.json) {
      ctx.out.json({
        action,
        dry_run: true,
        platforms: sections.map((s) => ({
          platform: s.platform,
          plans: plansJson(s.plans, false),
        })),
      });
    } else {
      for (const { platform, plans } of sections) {
        if (platforms.length > 1) ctx.out.line(`## ${platform}`);
        printPlans(ctx, plans, false);
      }
    }
    return EXIT.ok;
  }
  const machine = thisMachine(ctx);
  const stores = selectStores(machine.stores, filter);
  if (stores.length === 0) throw noStores(filter);
  // The second CA, for the user's own domains (src/tls/user_domains_ca.ts), goes where the first goes.
  const second = await loadUserDomainsCa(ctx.paths.ca);
  if (action === "install" && !ctx.flags.json) warnUncovered(ctx, checked, second);
  if (dryRun) {
    const plans = await planTrust(action, ref, stores, machine.exec);
    if (second) {
      plans.push(
        ...await planTrust(action, caRef(second.cert, second.paths.cert), stores, machine.exec),
      );
    }
    if (ctx.flags.json) {
      ctx.out.json({ action, dry_run: true, plans: plansJson(plans, machine.exec.elevated) });
    } else printPlans(ctx, plans, machine.exec.elevated);
    return EXIT.ok;
  }
  const outcomes = await applyTrust(action, ca, stores, machine.exec);
  if (!second) return reportOutcomes(ctx, action, outcomes);
  const more = await applyTrust(action, second, stores, machine.exec);
  if (ctx.flags.json) return reportOutcomes(ctx, action, [...outcomes, ...more]);
  const first = reportOutcomes(ctx, action, outcomes);
  return Math.max(first, reportOutcomes(ctx, action, more, "the second CA (your domains)"));
}
