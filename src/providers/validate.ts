/**
 * Turns a raw provider JSON value into a checked {@linkcode ProviderFile}, or
 * into a list of problems, each with its JSON path and, for an unknown field,
 * the closest known one. Pure.
 */

import { basename } from "node:path";
import type { z } from "zod";
import { closest } from "../suggest.ts";
import type { RouteSpec } from "./api_url.ts";
import { compileRoutes, injectionsOf, primaryField } from "./compile.ts";
import { type Injection, type ProviderFile, providerFileSchema } from "./schema.ts";

/** One thing wrong with a provider file. */
export interface Problem {
  /** The JSON path, such as `injection.name` or `api_url[1]`; empty for the whole file. */
  readonly path: string;
  readonly message: string;
}

/** A provider file that passed every check, with its routes compiled. */
export interface CheckedProvider {
  readonly definition: ProviderFile;
  readonly routes: readonly RouteSpec[];
  readonly injections: readonly Injection[];
}

/** The outcome of checking one file. */
export type CheckResult =
  | { readonly ok: true; readonly provider: CheckedProvider }
  | { readonly ok: false; readonly problems: readonly Problem[] };

/** Formats a path of keys as `a.b[2].c`. */
export function jsonPath(path: readonly PropertyKey[]): string {
  return path.map((key, i) =>
    typeof key === "number" ? `[${key}]` : `${i === 0 ? "" : "."}${String(key)}`
  )
    .join("");
}

/** Parses a provider file's text; JSON errors become a problem at the root. */
export function checkProviderText(text: string): CheckResult {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return {
      ok: false,
      problems: [{ path: "", message: `not valid JSON: ${(error as Error).message}` }],
    };
  }
  return checkProvider(raw);
}

/**
 * Checks a user's provider file at `path` with every rule the loader applies:
 * the definition's, and a `name` equal to the file name.
 */
export function checkProviderFile(path: string, text: string): CheckResult {
  const result = checkProviderText(text);
  if (!result.ok) return result;
  const expected = basename(path).replace(/\.json$/, "");
  const { name } = result.provider.definition;
  if (name === expected) return result;
  const message = `"${name}" differs from the file name "${
    basename(path)
  }": the loader skips it; rename one to match`;
  return { ok: false, problems: [{ path: "name", message }] };
}

/** Whether `raw` is what `authsome inspect NAME --json` prints rather than a provider file. */
function isInspectOutput(raw: unknown): boolean {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return false;
  const keys = Object.keys(raw);
  return keys.includes("definition") && keys.includes("connections") &&
    !keys.includes("auth_type");
}

/** Checks one provider definition. */
export function checkProvider(raw: unknown): CheckResult {
  if (isInspectOutput(raw)) {
    const message = 'this is the output of "authsome inspect NAME --json", not a provider file: ' +
      'take its "definition" (python3 -c \'import json,sys; print(json.dumps(json.load(sys.stdin)["definition"], indent=2))\' < FILE)';
    return { ok: false, problems: [{ path: "", message }] };
  }
  const parsed = providerFileSchema.safeParse(raw);
  const problems: Problem[] = [];
  const routes = compileRoutes(raw as Partial<ProviderFile>, problems);
  if (!parsed.success) {
    const schemaProblems = parsed.error.issues.flatMap(describeIssue);
    const seen = new Set(problems.map((p) => p.path));
    return {
      ok: false,
      problems: [...schemaProblems.filter((p) => !seen.has(p.path)), ...problems],
    };
  }
  const definition = parsed.data;
  const injections = injectionsOf(definition);
  checkReferences(definition, injections, problems);
  return problems.length > 0
    ? { ok: false, problems }
    : { ok: true, provider: { definition, routes, injections } };
}

function checkReferences(
  definition: ProviderFile,
  injections: readonly Injection[],
  problems: Problem[],
): void {
  const known = new Set([
    primaryField(definition),
    ...definition.fields.map((field) => field.name),
  ]);
  if (definition.auth_type === "oauth2") known.add("client_id");
  const unknownIn = (text: string) =>
    [...text.matchAll(/\{([^}]*)\}/g)].map((m) => m[1]).filter((f) => !known.has(f));
  injections.forEach((injection, i) => {
    const at = Array.isArray(definition.injection) ? `injection[${i}]` : "injection";
    const refs = injection.type === "basic"
      ? [...unknownIn(injection.username), ...unknownIn(injection.password)]
      : [injection.field].filter((f): f is string => f !== undefined && !known.has(f));
    for (const ref of refs) problems.push({ path: at, message: unknownFieldMessage(ref, known) });
  });
  for (const [env, field] of Object.entries(definition.export)) {
    if (!known.has(field)) {
      problems.push({ path: `export.${env}`, message: unknownFieldMessage(field, known) });
    }
  }
  if (definition.auth_type === "oauth2" && !definition.oauth) {
    problems.push({
      path: "oauth",
      message: 'auth_type "oauth2" needs an "oauth" block with its endpoints',
    });
  }
  if (definition.auth_type === "api_key" && definition.oauth) {
    problems.push({ path: "oauth", message: 'an "oauth" block needs auth_type "oauth2"' });
  }
}

function unknownFieldMessage(field: string, known: Set<string>): string {
  const guess = closest(field, known);
  return `refers to unknown credential field "${field}"${
    guess ? ` (did you mean "${guess}"?)` : ""
  }`;
}

function describeIssue(issue: z.core.$ZodIssue): Problem[] {
  if (issue.code === "unrecognized_keys") {
    const known = knownKeysAt(issue.path);
    return issue.keys.map((key) => {
      const guess = closest(key, known);
      return {
        path: jsonPath([...issue.path, key]),
        message: `unknown field "${key}"${guess ? ` (did you mean "${guess}"?)` : ""}`,
      };
    });
  }
  if (issue.code === "invalid_union") return describeUnion(issue);
  if (issue.code === "invalid_value") {
    return [{
      path: jsonPath(issue.path),
      message: `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`,
    }];
  }
  if (issue.code === "invalid_type" && issue.message.endsWith("received undefined")) {
    return [{ path: jsonPath(issue.path), message: `missing (expected ${issue.expected})` }];
  }
  return [{ path: jsonPath(issue.path), message: issue.message }];
}

/**
 * A union's problems as the branch the value was meant for reports them: a
 * branch that failed only on the value's shape (object, not list) is left out,
 * and a discriminated union names its allowed values.
 */
function describeUnion(issue: z.core.$ZodIssueInvalidUnion): Problem[] {
  const at = (inner: z.core.$ZodIssue) => ({ ...inner, path: [...issue.path, ...inner.path] });
  const noMatch = issue as { note?: string; discriminator?: string; options?: unknown[] };
  if (noMatch.note === "No matching discriminator" && noMatch.discriminator) {
    const options = noMatch.options ?? [];
    return [{
      path: jsonPath([...issue.path]),
      message: `must be one of ${options.map((o) => JSON.stringify(o)).join(", ")}`,
    }];
  }
  const wrongShape = (branch: z.core.$ZodIssue[]) =>
    branch.length === 1 && branch[0].code === "invalid_type" && branch[0].path.length === 0;
  const meant = issue.errors.filter((branch) => !wrongShape(branch));
  if (meant.length === 1) return meant[0].map(at).flatMap(describeIssue);
  if (meant.length === 0) {
    const expected = issue.errors.map((branch) => (branch[0] as { expected?: string }).expected)
      .join(" or ");
    const missing = issue.errors.every((b) => b[0].message.endsWith("received undefined"));
    const message = missing ? `missing (expected ${expected})` : `must be ${expected}`;
    return [{ path: jsonPath(issue.path), message }];
  }
  return [{ path: jsonPath(issue.path), message: issue.message }];
}

interface SchemaDef {
  type: string;
  shape?: Record<string, { _zod: { def: SchemaDef } }>;
  innerType?: { _zod: { def: SchemaDef } };
  element?: { _zod: { def: SchemaDef } };
  options?: { _zod: { def: SchemaDef } }[];
  valueType?: { _zod: { def: SchemaDef } };
}

/** The field names the schema knows for the object at `path`. */
function knownKeysAt(path: readonly PropertyKey[]): string[] {
  let nodes: SchemaDef[] = [
    (providerFileSchema as unknown as { _zod: { def: SchemaDef } })._zod.def,
  ];
  const expand = (defs: SchemaDef[]): SchemaDef[] =>
    defs.flatMap((def) => {
      if (def.innerType) return expand([def.innerType._zod.def]);
      if (def.options) return expand(def.options.map((o) => o._zod.def));
      return [def];
    });
  for (const key of path) {
    nodes = expand(nodes).flatMap((def) => {
      if (def.type === "object" && typeof key === "string" && def.shape?.[key]) {
        return [def.shape[key]._zod.def];
      }
      if (def.type === "array" && typeof key === "number" && def.element) {
        return [def.element._zod.def];
      }
      if (def.type === "record" && def.valueType) return [def.valueType._zod.def];
      return [];
    });
  }
  return expand(nodes).flatMap((def) =>
    def.type === "object" && def.shape ? Object.keys(def.shape) : []
  );
}
