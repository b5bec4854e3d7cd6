/**
 * Least privilege per run: which requests a provider's credential may serve
 * (`--allow`), how many (`--max-requests`), from flags and a policy file.
 * This folder parses, checks and decides; the proxy asks {@linkcode decidePolicy}
 * per credentialed request and keeps the counts. It never touches a socket.
 */

export { decidePolicy, type PolicyDecision } from "./decide.ts";
export {
  type AllowRule,
  mergePolicies,
  OPEN_POLICY,
  parseAllowFlag,
  parseBudgetFlag,
  type Policy,
} from "./policy.ts";
export type { PolicyCheck } from "./policy_file.ts";
export { checkPolicy, readPolicy } from "./read.ts";
