/**
 * Trust stores: one file per store (the Linux system store per family, NSS
 * databases, Java's cacerts, the macOS keychains, the Windows Root stores),
 * each a pure builder of probes and steps; one executor that runs them; and
 * the operations `authsome cert` offers on top. It does not print: the CLI
 * renders plans and outcomes. It never prompts: a step that needs privileges
 * this process lacks is handed back as the exact command to run.
 */

export {
  type CommandResult,
  type CommandRunner,
  executePlan,
  type Executor,
  type Outcome,
  renderPlan,
  runProbe,
  storeState,
  systemExecutor,
} from "./execute.ts";
export { type MachineFacts, machineFacts, type Os } from "./facts.ts";
export {
  applyTrust,
  planTrust,
  rotateCa,
  type Rotation,
  type StoreStatus,
  trustStatus,
} from "./manage.ts";
export {
  type CaRef,
  caRef,
  planFor,
  type Probe,
  renderStep,
  type Scope,
  type Step,
  STORE_KINDS,
  type StoreKind,
  type StorePlan,
  type TrustStore,
} from "./plan.ts";
export { readInstalled, RECORD_FILE } from "./record.ts";
export {
  machineStores,
  type Platform,
  PLATFORMS,
  platformStores,
  selectStores,
  type StoreFilter,
} from "./stores.ts";
