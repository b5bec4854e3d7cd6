/**
 * The policy file (`run --policy FILE`, `authsome policy check FILE`): its
 * zod schema and the check that lists every problem with its JSON path.
 * Loaded only when a file is given, so a plain `run` does not load zod.
 */

import { z } from "zod";
import { parseJson, type Problem, schemaProblems } from "../schema_problems.ts";
import { pathPatternProblem } from "./path_pattern.ts";
import { type AllowRule, makeRule, METHOD, type Policy, unknownProvider } from "./policy.ts";

const ruleSchema = z.strictObject({
  methods: z.array(z.string().regex(METHOD, "must be an HTTP method such as GET")).min(1)
    .optional(),
  path: z.string().superRefine((path, ctx) => {
    const problem = pathPatternProblem(path);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  }).optional(),
});

/** The policy file format. */
const policyFileSchema = z.strictObject({
  $schema: z.string().optional(),
  providers: z.record(
    z.string(),
    z.strictObject({
      allow: z.array(ruleSchema).optional(),
      max_requests: z.number().int("must be a whole number").min(0).optional(),
    }),
  ),
});

/** The outcome of checking a policy file. */
export type PolicyCheck =
  | { readonly ok: true; readonly policy: Policy }
  | { readonly ok: false; readonly problems: readonly Problem[] };

/** Checks a policy file's text against the schema and the known providers. */
export function checkPolicyText(text: string, known: ReadonlySet<string>): PolicyCheck {
  const json = parseJson(text);
  if (!json.ok) return json;
  const raw = json.value;
  const providers = (raw as { providers?: unknown } | null)?.providers;
  const unknown = providers !== null && typeof providers === "object"
    ? Object.keys(providers).filter((name) => !known.has(name))
    : [];
  const problems: Problem[] = unknown.map((name) => ({
    path: `providers.${name}`,
    message: unknownProvider(name, known),
  }));
  const parsed = policyFileSchema.safeParse(raw);
  if (!parsed.success) {
    const under = unknown.map((name) => `providers.${name}`);
    problems.push(
      ...schemaProblems(policyFileSchema, parsed.error).filter((p) =>
        !under.some((path) => p.path === path || p.path.startsWith(`${path}.`))
      ),
    );
  }
  if (problems.length > 0 || !parsed.success) return { ok: false, problems };
  const rules = new Map<string, AllowRule[]>();
  const budgets = new Map<string, number>();
  for (const [provider, entry] of Object.entries(parsed.data.providers)) {
    if (entry.allow) {
      rules.set(provider, entry.allow.map((r) => makeRule(provider, r.methods, r.path)));
    }
    if (entry.max_requests !== undefined) budgets.set(provider, entry.max_requests);
  }
  return { ok: true, policy: { rules, budgets } };
}
