/**
 * What a provider definition implies once its shape is known to be right:
 * its routes (each with the injection it applies), its injections as a list, the field its main secret lives in.
 * Free of zod, so a registry rebuilt from the cache never loads the schema.
 * Pure.
 */

import { AuthsomeError, errorText } from "../errors.ts";
import {
  compilePathPattern,
  type PathPattern,
  pathPatternProblem,
} from "../policy/path_pattern.ts";
import { parseApiUrl, type RouteSpec } from "./api_url.ts";
import type { Injection, ProviderFile } from "./schema.ts";
import type { Problem } from "../schema_problems.ts";

/** The field a credential's main secret is stored under, by auth type. */
export function primaryField(definition: Pick<ProviderFile, "auth_type">): string {
  return definition.auth_type === "oauth2" ? "access_token" : "api_key";
}

/** The injection rules of a definition, always as a list. */
export function injectionsOf(definition: Pick<ProviderFile, "injection">): Injection[] {
  return injectionList(definition.injection);
}

/** A compiled route with the injection it applies: the provider's, or its own (`routes[]`). */
export interface ProviderRoute extends RouteSpec {
  readonly injections: readonly Injection[];
}

/**
 * Compiles `api_url` (or its alias `host_url`) and each `routes[]` entry into
 * routes, the main ones first, adding a problem per bad entry.
 */
export function compileRoutes(
  definition: Partial<ProviderFile>,
  problems: Problem[],
): ProviderRoute[] {
  if (typeof definition !== "object" || definition === null) return [];
  if (definition.api_url !== undefined && definition.host_url !== undefined) {
    problems.push({ path: "host_url", message: 'use "api_url" or its alias "host_url", not both' });
    return [];
  }
  const key = definition.api_url !== undefined ? "api_url" : "host_url";
  const value = definition.api_url ?? definition.host_url;
  if (value === undefined) {
    problems.push({
      path: "",
      message: 'missing "api_url": the host(s) whose requests get the credential',
    });
    return [];
  }
  const main = injectionList(definition.injection);
  const routes = compileUrls(value, key, problems).map((spec) => ({ ...spec, injections: main }));
  const extra = Array.isArray(definition.routes) ? definition.routes : [];
  extra.forEach((route, i) => {
    if (typeof route !== "object" || route === null) return;
    const at = `routes[${i}]`;
    const specs = route.api_url === undefined
      ? []
      : compileUrls(route.api_url, `${at}.api_url`, problems);
    const paths = compilePaths(route.paths, `${at}.paths`, problems);
    const injections = route.injection === undefined ? main : injectionList(route.injection);
    for (const spec of specs) routes.push({ ...spec, ...(paths && { paths }), injections });
  });
  return routes;
}

/** One rule or a list, as a list; none when missing (a file not yet checked). */
function injectionList(value: Injection | Injection[] | undefined): Injection[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** Compiles one `api_url` value (a string or a list) found at `key`. */
function compileUrls(value: string | string[], key: string, problems: Problem[]): RouteSpec[] {
  const list = Array.isArray(value) ? value : [value];
  const routes: RouteSpec[] = [];
  list.forEach((entry, i) => {
    if (typeof entry !== "string") return;
    try {
      routes.push(parseApiUrl(entry));
    } catch (error) {
      if (!(error instanceof AuthsomeError)) throw error;
      const path = Array.isArray(value) ? `${key}[${i}]` : key;
      problems.push({ path, message: errorText(error) });
    }
  });
  return routes;
}

/** Compiles a route's `paths`, undefined when it has none (every path under its prefix). */
function compilePaths(
  value: readonly string[] | undefined,
  key: string,
  problems: Problem[],
): PathPattern[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const patterns: PathPattern[] = [];
  value.forEach((text, i) => {
    if (typeof text !== "string") return;
    const problem = pathPatternProblem(text);
    if (problem) problems.push({ path: `${key}[${i}]`, message: problem });
    else patterns.push(compilePathPattern(text));
  });
  return patterns;
}
