/**
 * What a provider definition implies once its shape is known to be right:
 * its routes, its injections as a list, the field its main secret lives in.
 * Free of zod, so a registry rebuilt from the cache never loads the schema.
 * Pure.
 */

import { AuthsomeError } from "../errors.ts";
import { parseApiUrl, type RouteSpec } from "./api_url.ts";
import type { Injection, ProviderFile } from "./schema.ts";
import type { Problem } from "../schema_problems.ts";

/** The field a credential's main secret is stored under, by auth type. */
export function primaryField(definition: Pick<ProviderFile, "auth_type">): string {
  return definition.auth_type === "oauth2" ? "access_token" : "api_key";
}

/** The injection rules of a definition, always as a list. */
export function injectionsOf(definition: Pick<ProviderFile, "injection">): Injection[] {
  return Array.isArray(definition.injection) ? definition.injection : [definition.injection];
}

/** Compiles `api_url` (or its alias `host_url`) into routes, adding a problem per bad entry. */
export function compileRoutes(definition: Partial<ProviderFile>, problems: Problem[]): RouteSpec[] {
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
  const list = Array.isArray(value) ? value : [value];
  const routes: RouteSpec[] = [];
  list.forEach((entry, i) => {
    if (typeof entry !== "string") return;
    try {
      routes.push(parseApiUrl(entry));
    } catch (error) {
      if (!(error instanceof AuthsomeError)) throw error;
      const path = Array.isArray(value) ? `${key}[${i}]` : key;
      problems.push({
        path,
        message: error.hint ? `${error.message}. ${error.hint}` : error.message,
      });
    }
  });
  return routes;
}
