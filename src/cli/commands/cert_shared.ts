/** What the `authsome cert` commands share: flags, the CA as the providers need it, and rendering plans and outcomes. */

import { AuthsomeError } from "../../errors.ts";
import { closest } from "../../suggest.ts";
import {
  type CaCertificate,
  type CheckedCa,
  describeUncovered,
  findCa,
  openCa,
  uncoveredByBoth,
} from "../../tls/mod.ts";
import {
  type Executor,
  machineFacts,
  machineStores,
  type Outcome,
  renderPlan,
  STORE_KINDS,
  type StoreFilter,
  type StoreKind,
  type StorePlan,
  systemExecutor,
  type TrustStore,
} from "../../tls/trust/mod.ts";
import { usage } from "../args.ts";
import type { Context } from "../command.ts";
import type { trustStoreOptions } from "../command_specs.ts";
import { EXIT } from "../exit_codes.ts";

/** The stores `--system`, `--user` and `--store` select. */
export function storeFilter(ctx: Context<typeof trustStoreOptions>): StoreFilter {
  const { system, user } = ctx.args.values;
  if (system && user) throw usage("Use --system or --user, not both");
  const kinds = ctx.args.values.store;
  for (const kind of kinds) {
    if (!STORE_KINDS.includes(kind as StoreKind)) {
      const guess = closest(kind, STORE_KINDS);
      throw usage(
        `Unknown store kind "${kind}"${guess ? `; did you mean "${guess}"?` : ""}`,
        `Kinds: ${STORE_KINDS.join(", ")}`,
      );
    }
  }
  return {
    scope: system === true ? "system" : user === true ? "user" : undefined,
    kinds: kinds as StoreKind[],
  };
}

/** This machine: its stores and the executor that probes and changes them. */
export function thisMachine(ctx: Context): { stores: TrustStore[]; exec: Executor } {
  return { stores: machineStores(machineFacts(ctx.env)), exec: systemExecutor(ctx.env) };
}

/** The CA, created on first use with constraints for the providers known now. */
export async function openProvidersCa(ctx: Context): Promise<CheckedCa> {
  return await openCa(ctx.paths.ca, (await ctx.registry()).routes);
}

/** The CA if there is one, checked against the providers known now. */
export async function findProvidersCa(ctx: Context): Promise<CheckedCa | undefined> {
  return await findCa(ctx.paths.ca, (await ctx.registry()).routes);
}

/** Warns about providers whose domains the CA cannot certify (and the second CA does not either). */
export function warnUncovered(ctx: Context, checked: CheckedCa, second?: CaCertificate): void {
  for (const name of describeUncovered(uncoveredByBoth(checked, second))) {
    ctx.out.warn(
      `the local CA's name constraints leave out ${name}. Run: authsome cert rotate`,
    );
  }
}

const SKIPPED = {
  "already trusted": "already trusts the CA",
  "not installed": "does not have the CA",
};

/** Prints plans as a dry run does: a comment line per store, then its commands. */
export function printPlans(ctx: Context, plans: readonly StorePlan[], elevated: boolean): void {
  for (const plan of plans) {
    const admin = plan.store.elevation === "administrator" &&
        plan.steps.some((step) => step.sudo)
      ? " (as administrator)"
      : "";
    if (plan.skip) ctx.out.line(`# ${plan.store.label}: ${SKIPPED[plan.skip]}`);
    else ctx.out.line(`# ${plan.store.label}${admin}`);
    for (const line of renderPlan(plan, elevated)) ctx.out.line(line);
  }
}

/** The JSON form of plans. */
export function plansJson(plans: readonly StorePlan[], elevated: boolean): unknown[] {
  return plans.map((plan) => ({
    store: plan.store.id,
    label: plan.store.label,
    scope: plan.store.scope,
    skip: plan.skip ?? null,
    commands: renderPlan(plan, elevated),
  }));
}

const DONE = { install: "installed {} in", uninstall: "removed {} from" };

/** Prints what happened to each store; returns the exit code (1 when a store still needs something). */
export function reportOutcomes(
  ctx: Context,
  action: "install" | "uninstall",
  outcomes: readonly Outcome[],
  noun = "the CA",
): number {
  const unfinished = outcomes.filter((o) => o.kind === "needs_privilege" || o.kind === "failed");
  if (ctx.flags.json) {
    ctx.out.json({
      action,
      ok: unfinished.length === 0,
      stores: outcomes.map((o) => ({
        store: o.plan.store.id,
        label: o.plan.store.label,
        result: o.kind === "skipped" ? o.plan.skip : o.kind,
        commands: o.kind === "needs_privilege"
          ? o.commands
          : o.kind === "failed"
          ? [o.command]
          : [],
        output: o.kind === "failed" || o.kind === "needs_privilege" ? o.output ?? null : null,
      })),
    });
    return unfinished.length === 0 ? EXIT.ok : EXIT.error;
  }
  for (const outcome of outcomes) {
    const label = outcome.plan.store.label;
    if (outcome.kind === "done") ctx.out.line(`${DONE[action].replace("{}", noun)} ${label}`);
    if (outcome.kind === "skipped") ctx.out.line(`${label}: ${SKIPPED[outcome.plan.skip!]}`);
  }
  for (const outcome of unfinished) {
    const label = outcome.plan.store.label;
    if (outcome.kind === "failed") {
      ctx.out.error(
        `Cannot ${action} the CA in ${label}: "${outcome.command}" failed`,
        outcome.output,
      );
    } else if (outcome.kind === "needs_privilege") {
      const how = outcome.plan.store.elevation === "administrator"
        ? "Run in a terminal opened as administrator:"
        : "Run:";
      ctx.out.error(
        `${label} needs ${
          outcome.plan.store.elevation === "administrator" ? "an administrator" : "root"
        }; nothing was changed there`,
        [how, ...outcome.commands.map((command) => `  ${command}`)].join("\n"),
      );
    }
  }
  return unfinished.length === 0 ? EXIT.ok : EXIT.error;
}

/** The error for a selection that found no store, with what would make one appear. */
export function noStores(filter: StoreFilter): AuthsomeError {
  const what = filter.scope ? `${filter.scope} trust store` : "trust store";
  return new AuthsomeError("not_found", `No ${what} found on this machine`, {
    hint:
      "The system store needs update-ca-certificates, update-ca-trust or trust; NSS databases need certutil (libnss3-tools) and appear once Chrome or Firefox has run; Java needs keytool. Run: authsome cert status",
  });
}
