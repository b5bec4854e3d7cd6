/**
 * What the policy says about one credentialed request: allowed (by which
 * rule), refused (403, no rule allows it), or over budget (429). A pure
 * function of the policy, the provider, the method, the canonical path and
 * how many requests to that provider this run has forwarded.
 */

import { matchPath } from "./path_pattern.ts";
import type { AllowRule, Policy } from "./policy.ts";

/** The policy's answer for one request. */
export type PolicyDecision =
  /** `rule` is the rule that allowed it; undefined when the provider has no rules. */
  | { readonly kind: "allow"; readonly rule?: string }
  | {
    readonly kind: "refuse";
    readonly status: 403 | 429;
    readonly code: "authsome_not_allowed" | "authsome_budget_exhausted";
    readonly message: string;
  };

function allows(rule: AllowRule, method: string, path: string): boolean {
  return (rule.methods === undefined || rule.methods.includes(method)) &&
    (rule.path === undefined || matchPath(rule.path, path));
}

/** Decides one request; `count` is the number of requests to `provider` already forwarded. */
export function decidePolicy(
  policy: Policy,
  provider: string,
  method: string,
  path: string,
  count: number,
): PolicyDecision {
  const rules = policy.rules.get(provider);
  let rule: string | undefined;
  if (rules && rules.length > 0) {
    rule = rules.find((r) => allows(r, method, path))?.text;
    if (rule === undefined) {
      return {
        kind: "refuse",
        status: 403,
        code: "authsome_not_allowed",
        message: `This run does not allow ${method} ${path} with the ${provider} credential ` +
          `(rules: ${rules.map((r) => r.text).join(", ")}). ` +
          `To allow it, add: --allow ${provider}:${method}:${path}`,
      };
    }
  }
  const budget = policy.budgets.get(provider);
  if (budget !== undefined && count >= budget) {
    return {
      kind: "refuse",
      status: 429,
      code: "authsome_budget_exhausted",
      message: `This run's budget of ${budget} ${provider} request(s) is used up ` +
        `(--max-requests ${provider}=${budget})`,
    };
  }
  return rule === undefined ? { kind: "allow" } : { kind: "allow", rule };
}
