/**
 * zod issues as problems a user can act on: each with its JSON path, and for
 * an unknown field the closest field the schema knows. Shared by every file
 * format authsome reads (provider definitions, run policies). Pure.
 */

import type { z } from "zod";
import { closest } from "./suggest.ts";

/** One thing wrong with a file. */
export interface Problem {
  /** The JSON path, such as `injection.name` or `api_url[1]`; empty for the whole file. */
  readonly path: string;
  readonly message: string;
}

/** Formats a path of keys as `a.b[2].c`. */
export function jsonPath(path: readonly PropertyKey[]): string {
  return path.map((key, i) =>
    typeof key === "number" ? `[${key}]` : `${i === 0 ? "" : "."}${String(key)}`
  )
    .join("");
}

/** The problems of a failed parse of `root`, unknown fields with a "did you mean". */
export function schemaProblems(root: z.ZodType, error: z.ZodError): Problem[] {
  return error.issues.flatMap((issue) => describeIssue(root, issue));
}

function describeIssue(root: z.ZodType, issue: z.core.$ZodIssue): Problem[] {
  if (issue.code === "unrecognized_keys") {
    const known = knownKeysAt(root, issue.path);
    return issue.keys.map((key) => {
      const guess = closest(key, known);
      return {
        path: jsonPath([...issue.path, key]),
        message: `unknown field "${key}"${guess ? ` (did you mean "${guess}"?)` : ""}`,
      };
    });
  }
  if (issue.code === "invalid_union") return describeUnion(root, issue);
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
function describeUnion(root: z.ZodType, issue: z.core.$ZodIssueInvalidUnion): Problem[] {
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
  if (meant.length === 1) return meant[0].map(at).flatMap((inner) => describeIssue(root, inner));
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
function knownKeysAt(root: z.ZodType, path: readonly PropertyKey[]): string[] {
  let nodes: SchemaDef[] = [(root as unknown as { _zod: { def: SchemaDef } })._zod.def];
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

/** One problem as a line: `file → json.path: message`. */
export function formatProblem(file: string, problem: Problem): string {
  return `${file} → ${problem.path || "(file)"}: ${problem.message}`;
}

/** A file's text parsed as JSON, or the one problem at its root that says why not. */
export function parseJson(
  text: string,
): { readonly ok: true; readonly value: unknown } | {
  readonly ok: false;
  readonly problems: readonly Problem[];
} {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return {
      ok: false,
      problems: [{ path: "", message: `not valid JSON: ${(error as Error).message}` }],
    };
  }
}
