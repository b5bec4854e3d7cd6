/** How a user reads an injection rule, in `inspect`, `providers approve` and `doctor`. Pure. */

import type { Injection } from "./schema.ts";

/** One injection rule as text; `primary` is the field a rule without `field` sends. */
export function describeInjection(injection: Injection, primary: string): string {
  switch (injection.type) {
    case "header":
      return `header ${injection.name}: ${injection.prefix ?? ""}{${injection.field ?? primary}}`;
    case "basic":
      return `header Authorization: Basic base64(${injection.username}:${injection.password})`;
    case "query":
      return `query parameter ${injection.name}={${injection.field ?? primary}}`;
    default: {
      const never: never = injection;
      return never;
    }
  }
}

/** Every rule of a route, joined, as `describeInjection` reads each. */
export function describeInjections(injections: readonly Injection[], primary: string): string {
  return injections.map((injection) => describeInjection(injection, primary)).join(" + ");
}
