/**
 * Turns a raw provider JSON value into a checked {@linkcode ProviderFile}, or
 * into a list of problems, each with its JSON path and, for an unknown field,
 * the closest known one. Pure.
 */

import { basename } from "node:path";
import { parseJson, type Problem, schemaProblems } from "../schema_problems.ts";
import { closest } from "../suggest.ts";
import { compileRoutes, injectionsOf, primaryField, type ProviderRoute } from "./compile.ts";
import { type Injection, type ProviderFile, providerFileSchema } from "./schema.ts";

/** A provider file that passed every check, with its routes compiled. */
export interface CheckedProvider {
  readonly definition: ProviderFile;
  /** The main routes first, then each `routes[]` entry's. */
  readonly routes: readonly ProviderRoute[];
  readonly injections: readonly Injection[];
}

/** The outcome of checking one file. */
export type CheckResult =
  | { readonly ok: true; readonly provider: CheckedProvider }
  | { readonly ok: false; readonly problems: readonly Problem[] };

/** Parses a provider file's text; JSON errors become a problem at the root. */
export function checkProviderText(text: string): CheckResult {
  const parsed = parseJson(text);
  return parsed.ok ? checkProvider(parsed.value) : parsed;
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
    const fromSchema = schemaProblems(providerFileSchema, parsed.error);
    const seen = new Set(problems.map((p) => p.path));
    return {
      ok: false,
      problems: [...fromSchema.filter((p) => !seen.has(p.path)), ...problems],
    };
  }
  const definition = parsed.data;
  const injections = injectionsOf(definition);
  checkReferences(definition, problems);
  return problems.length > 0
    ? { ok: false, problems }
    : { ok: true, provider: { definition, routes, injections } };
}

function checkReferences(definition: ProviderFile, problems: Problem[]): void {
  const known = new Set([
    primaryField(definition),
    ...definition.fields.map((field) => field.name),
  ]);
  if (definition.auth_type === "oauth2") known.add("client_id");
  const unknownIn = (text: string) =>
    [...text.matchAll(/\{([^}]*)\}/g)].map((m) => m[1]).filter((f) => !known.has(f));
  const checkInjections = (value: ProviderFile["injection"] | undefined, key: string) => {
    if (value === undefined) return;
    (Array.isArray(value) ? value : [value]).forEach((injection, i) => {
      const at = Array.isArray(value) ? `${key}[${i}]` : key;
      const refs = injection.type === "basic"
        ? [...unknownIn(injection.username), ...unknownIn(injection.password)]
        : [injection.field].filter((f): f is string => f !== undefined && !known.has(f));
      for (const ref of refs) problems.push({ path: at, message: unknownFieldMessage(ref, known) });
    });
  };
  checkInjections(definition.injection, "injection");
  definition.routes.forEach((route, i) =>
    checkInjections(route.injection, `routes[${i}].injection`)
  );
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
