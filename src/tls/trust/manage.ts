/**
 * The trust-store operations behind `authsome cert`: status, install,
 * uninstall and rotate. Each probes the stores, builds plans with the pure
 * builders, runs them through the one executor, and keeps the record of
 * where the CA went. Idempotent: a store that already trusts the CA (or
 * never had it) is skipped.
 */

import { join } from "node:path";
import { ensurePrivateDir, writeFileAtomic } from "../../atomic_file.ts";
import { type Ca, caPaths, loadCa, loadOrCreateCa, replaceCa } from "../ca.ts";
import type { NameConstraints } from "../name_constraints.ts";
import { executePlan, type Executor, type Outcome, storeState } from "./execute.ts";
import {
  type CaRef,
  caRef,
  planFor,
  type StorePlan,
  type StoreState,
  type TrustStore,
} from "./plan.ts";
import { readInstalled, recordedStores, updateInstalled } from "./record.ts";

/** Whether one store trusts the CA. */
export interface StoreStatus {
  readonly store: TrustStore;
  readonly trusted: boolean;
}

/** Which of `stores` trust `ca`. */
export async function trustStatus(
  ca: Ca,
  stores: readonly TrustStore[],
  exec: Executor,
): Promise<StoreStatus[]> {
  const ref = caRef(ca.cert, ca.paths.cert);
  return await Promise.all(
    stores.map(async (store) => ({
      store,
      trusted: (await storeState(store, ref, exec)).trusted,
    })),
  );
}

/**
 * The plans of `action` for `stores`: probed first when `exec` is given (this
 * machine), or every step unprobed (another platform's dry run).
 */
export async function planTrust(
  action: "install" | "uninstall",
  ca: CaRef,
  stores: readonly TrustStore[],
  exec?: Executor,
): Promise<StorePlan[]> {
  const plans: StorePlan[] = [];
  for (const store of stores) {
    const state: StoreState | undefined = exec ? await storeState(store, ca, exec) : undefined;
    plans.push(planFor(action, store, ca, state));
  }
  return plans;
}

/** Probes and changes the stores one after the other: one store's change can show in the next (Debian's hook feeds Java). */
async function probeAndRun(
  action: "install" | "uninstall",
  ca: CaRef,
  stores: readonly TrustStore[],
  exec: Executor,
): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  for (const store of stores) {
    const plan = planFor(action, store, ca, await storeState(store, ca, exec));
    outcomes.push(await executePlan(plan, exec));
  }
  return outcomes;
}

const settled = (outcomes: readonly Outcome[]) =>
  outcomes.filter((o) => o.kind === "done" || o.kind === "skipped").map((o) => o.plan.store.id);

/** Adds the CA to, or removes it from, `stores`; records where it now is. */
export async function applyTrust(
  action: "install" | "uninstall",
  ca: Ca,
  stores: readonly TrustStore[],
  exec: Executor,
): Promise<Outcome[]> {
  const ref = caRef(ca.cert, ca.paths.cert);
  const outcomes = await probeAndRun(action, ref, stores, exec);
  const ids = settled(outcomes);
  await updateInstalled(
    ca.paths.dir,
    ref.sha256,
    action === "install" ? { add: ids } : { remove: ids },
  );
  return outcomes;
}

/** What `authsome cert rotate` did. */
export interface Rotation {
  /** The CA before; undefined when there was none and one was created. */
  readonly old?: Ca;
  readonly ca: Ca;
  /** Where the old CA was trusted or recorded: the stores the new one goes into. */
  readonly stores: readonly TrustStore[];
  readonly removed: readonly Outcome[];
  readonly added: readonly Outcome[];
  /** The old certificate, kept for taking it out of stores by hand. */
  readonly retired?: string;
}

/**
 * Makes a new CA constrained to `permitted`, takes the old one out of every
 * store in `stores` that trusts it or that the record lists, and puts the
 * new one there.
 */
export async function rotateCa(
  caDir: string,
  permitted: NameConstraints,
  stores: readonly TrustStore[],
  exec: Executor,
): Promise<Rotation> {
  const old = await loadCa(caPaths(caDir));
  if (!old) {
    return { ca: await loadOrCreateCa(caDir, { permitted }), stores: [], removed: [], added: [] };
  }
  const retiredDir = join(caDir, "retired");
  await ensurePrivateDir(retiredDir);
  const current = caRef(old.cert, old.paths.cert);
  const retired = join(retiredDir, `${current.name}.pem`);
  await writeFileAtomic(retired, new TextEncoder().encode(old.certPem), { mode: 0o644 });
  const oldRef = caRef(old.cert, retired);
  const recorded = new Set(
    recordedStores(await readInstalled(caDir), oldRef.sha256, stores).map((s) => s.id),
  );
  const where: TrustStore[] = [];
  for (const store of stores) {
    const state = await storeState(store, oldRef, exec);
    if (state.trusted || state.removable || recorded.has(store.id)) where.push(store);
  }
  const removed = await probeAndRun("uninstall", oldRef, where, exec);
  await updateInstalled(caDir, oldRef.sha256, { remove: settled(removed) });
  const ca = await replaceCa(caDir, { permitted });
  const newRef = caRef(ca.cert, ca.paths.cert);
  const added = await probeAndRun("install", newRef, where, exec);
  await updateInstalled(caDir, newRef.sha256, { add: settled(added) });
  return { old, ca, stores: where, removed, added, retired };
}
