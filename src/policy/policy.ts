/**
 * A run's policy: which requests each provider's credential may be used for
 * (`--allow PROVIDER[:METHODS][:PATH]`) and how many (`--max-requests
 * PROVIDER=N`), from flags and from a JSON policy file (`--policy FILE`).
 * Parsing and checking are pure; providers without rules are not limited.
 */

import { z } from "zod";
import { AuthsomeError } from "../errors.ts";
import { parseJson, type Problem, schemaProblems } from "../schema_problems.ts";
import { closest } from "../suggest.ts";
import { compilePathPattern, type PathPattern, pathPatternProblem } from "./path_pattern.ts";

/** One allow rule of one provider. */
export interface AllowRule {
  /** The rule as `--allow` would write it, such as `github:GET,HEAD:/repos/acme/**`. */
  readonly text: string;
  readonly provider: string;
  /** Upper-case methods; undefined allows every method. */
  readonly methods?: readonly string[];
  /** Undefined allows every path. */
  readonly path?: PathPattern;
}

/** Rules and budgets by provider. */
export interface Policy {
  readonly rules: ReadonlyMap<string, readonly AllowRule[]>;
  readonly budgets: ReadonlyMap<string, number>;
}

/** The policy that limits nothing. */
export const OPEN_POLICY: Policy = { rules: new Map(), budgets: new Map() };

const METHOD = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

const ruleSchema = z.strictObject({
  methods: z.array(z.string().regex(METHOD, "must be an HTTP method such as GET")).min(1)
    .optional(),
  path: z.string().superRefine((path, ctx) => {
    const problem = pathPatternProblem(path);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  }).optional(),
});

/** The policy file format. */
export const policyFileSchema = z.strictObject({
  $schema: z.string().optional(),
  providers: z.record(
    z.string(),
    z.strictObject({
      allow: z.array(ruleSchema).optional(),
      max_requests: z.number().int("must be a whole number").min(0).optional(),
    }),
  ),
});

function ruleText(provider: string, methods?: readonly string[], path?: string): string {
  return [provider, ...(methods ? [methods.join(",")] : []), ...(path ? [path] : [])].join(":");
}

function makeRule(provider: string, methods?: readonly string[], path?: string): AllowRule {
  const upper = methods?.map((m) => m.toUpperCase());
  return {
    text: ruleText(provider, upper, path),
    provider,
    ...(upper && !upper.includes("*") ? { methods: upper } : {}),
    ...(path ? { path: compilePathPattern(path) } : {}),
  };
}

function unknownProvider(name: string, known: ReadonlySet<string>): string {
  const guess = closest(name, known);
  return `unknown provider "${name}"${guess ? ` (did you mean "${guess}"?)` : ""}`;
}

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

/** Parses one `--allow PROVIDER[:METHODS][:PATH]`; a usage error names what is wrong. */
export function parseAllowFlag(flag: string, known: ReadonlySet<string>): AllowRule {
  const bad = (why: string) =>
    new AuthsomeError("usage", `--allow "${flag}": ${why}`, {
      hint: "Write PROVIDER[:METHODS][:PATH], for example --allow github:GET,HEAD:/repos/acme/**",
    });
  const colon = flag.indexOf(":");
  const provider = colon === -1 ? flag : flag.slice(0, colon);
  if (!known.has(provider)) throw bad(unknownProvider(provider, known));
  if (colon === -1) return makeRule(provider);
  const rest = flag.slice(colon + 1);
  let methods: string[] | undefined;
  let path: string | undefined;
  if (rest.startsWith("/")) {
    path = rest;
  } else {
    const next = rest.indexOf(":");
    methods = (next === -1 ? rest : rest.slice(0, next)).split(",");
    if (next !== -1) path = rest.slice(next + 1);
    const wrong = methods.find((m) => !METHOD.test(m));
    if (wrong !== undefined) throw bad(`"${wrong}" is not an HTTP method`);
  }
  if (path !== undefined) {
    const problem = pathPatternProblem(path);
    if (problem) throw bad(problem);
  }
  return makeRule(provider, methods, path);
}

/** Parses one `--max-requests PROVIDER=N`. */
export function parseBudgetFlag(flag: string, known: ReadonlySet<string>): [string, number] {
  const [provider, count, ...extra] = flag.split("=");
  const n = Number(count);
  if (
    extra.length > 0 || count === undefined || !/^[0-9]+$/.test(count) || !Number.isSafeInteger(n)
  ) {
    throw new AuthsomeError("usage", `--max-requests "${flag}" must be PROVIDER=N`, {
      hint: "For example: --max-requests openai=100",
    });
  }
  if (!known.has(provider)) {
    throw new AuthsomeError(
      "usage",
      `--max-requests "${flag}": ${unknownProvider(provider, known)}`,
    );
  }
  return [provider, n];
}

/**
 * The policy of a run: the file's rules and the flags' rules together, and
 * per provider the smaller of two budgets (flags add limits, never lift them).
 */
export function mergePolicies(
  file: Policy,
  allow: readonly AllowRule[],
  budgets: readonly (readonly [string, number])[],
): Policy {
  const rules = new Map<string, AllowRule[]>();
  for (const [provider, list] of file.rules) rules.set(provider, [...list]);
  for (const rule of allow) rules.set(rule.provider, [...(rules.get(rule.provider) ?? []), rule]);
  const limits = new Map(file.budgets);
  for (const [provider, n] of budgets) limits.set(provider, Math.min(n, limits.get(provider) ?? n));
  return { rules, budgets: limits };
}
