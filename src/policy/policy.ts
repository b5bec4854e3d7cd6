/**
 * A run's policy: which requests each provider's credential may be used for
 * (`--allow PROVIDER[:METHODS][:PATH]`) and how many (`--max-requests
 * PROVIDER=N`), from flags and, through policy_file.ts, a JSON policy file.
 * Pure; providers without rules are not limited. No zod here: `run` without
 * `--policy` never loads it.
 */

import { AuthsomeError } from "../errors.ts";
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

/** An HTTP method (RFC 9110 §9: a token). */
export const METHOD = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function ruleText(provider: string, methods?: readonly string[], path?: string): string {
  return [provider, ...(methods ? [methods.join(",")] : []), ...(path ? [path] : [])].join(":");
}

/** One allow rule of `provider`, methods upper-cased, `*` for any method. */
export function makeRule(provider: string, methods?: readonly string[], path?: string): AllowRule {
  const upper = methods?.map((m) => m.toUpperCase());
  return {
    text: ruleText(provider, upper, path),
    provider,
    ...(upper && !upper.includes("*") ? { methods: upper } : {}),
    ...(path ? { path: compilePathPattern(path) } : {}),
  };
}

/** "unknown provider" with the closest known name. */
export function unknownProvider(name: string, known: ReadonlySet<string>): string {
  const guess = closest(name, known);
  return `unknown provider "${name}"${guess ? ` (did you mean "${guess}"?)` : ""}`;
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
