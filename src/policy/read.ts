/** Reading a run's policy from its flags and its file: the one place policy I/O happens. */

import { AuthsomeError } from "../errors.ts";
import { formatProblem } from "../schema_problems.ts";
import type { PolicyCheck } from "./policy_file.ts";
import {
  mergePolicies,
  OPEN_POLICY,
  parseAllowFlag,
  parseBudgetFlag,
  type Policy,
} from "./policy.ts";

/** What a run's command line says about its policy. */
export interface PolicyFlags {
  readonly file?: string;
  readonly allow: readonly string[];
  readonly maxRequests: readonly string[];
}

/** The run's policy; a bad flag or file is a usage error that lists every problem. */
export async function readPolicy(flags: PolicyFlags, known: ReadonlySet<string>): Promise<Policy> {
  let base = OPEN_POLICY;
  if (flags.file !== undefined) {
    let text: string;
    try {
      text = await Deno.readTextFile(flags.file);
    } catch (error) {
      throw new AuthsomeError(
        "usage",
        `Cannot read the policy file "${flags.file}": ${(error as Error).message}`,
      );
    }
    const checked = await checkPolicy(text, known);
    if (!checked.ok) {
      const file = flags.file;
      const lines = checked.problems.map((p) => `  ${formatProblem(file, p)}`);
      throw new AuthsomeError(
        "usage",
        `The policy file "${flags.file}" has ${lines.length} problem(s):\n${lines.join("\n")}`,
        { hint: `Run: authsome policy check ${flags.file}` },
      );
    }
    base = checked.policy;
  }
  return mergePolicies(
    base,
    flags.allow.map((flag) => parseAllowFlag(flag, known)),
    flags.maxRequests.map((flag) => parseBudgetFlag(flag, known)),
  );
}

/** Checks a policy file's text; loads the schema (and zod) on first use. */
export async function checkPolicy(text: string, known: ReadonlySet<string>): Promise<PolicyCheck> {
  const { checkPolicyText } = await import("./policy_file.ts");
  return checkPolicyText(text, known);
}
