/**
 * What a request gets from a connection: header values (with prefix, or
 * Basic as base64 of `user:password`) and query parameters, computed from the
 * provider's injection rules. Pure; values stay {@linkcode Secret}s.
 */

import type { Injection } from "../providers/schema.ts";
import { Secret } from "../secret.ts";
import { AuthsomeError } from "../errors.ts";
import { encodeBase64Text } from "../encoding.ts";

/** Where one secret value goes in a request: a header set to it, or a query parameter. */
export type Placement =
  | { readonly kind: "header"; readonly name: string; readonly value: Secret }
  | { readonly kind: "query"; readonly name: string; readonly value: Secret };

function field(fields: Readonly<Record<string, Secret>>, name: string, provider: string): string {
  const value = fields[name];
  if (!value) {
    throw new AuthsomeError("auth", `The connection of "${provider}" has no "${name}"`, {
      hint: `Log in again: authsome login ${provider} --force`,
    });
  }
  return value.reveal();
}

function fill(
  template: string,
  fields: Readonly<Record<string, Secret>>,
  provider: string,
): string {
  return template.replace(/\{([^}]*)\}/g, (_, name: string) => field(fields, name, provider));
}

/** The credentials to set on a request, from `injections` and a connection's `fields`. */
export function credentialsFor(
  injections: readonly Injection[],
  fields: Readonly<Record<string, Secret>>,
  primary: string,
  provider: string,
): Placement[] {
  return injections.map((injection): Placement => {
    switch (injection.type) {
      case "header":
        return {
          kind: "header",
          name: injection.name,
          value: new Secret(
            `${injection.prefix ?? ""}${field(fields, injection.field ?? primary, provider)}`,
          ),
        };
      case "basic": {
        const pair = `${fill(injection.username, fields, provider)}:${
          fill(injection.password, fields, provider)
        }`;
        return {
          kind: "header",
          name: "Authorization",
          value: new Secret(`Basic ${encodeBase64Text(pair)}`),
        };
      }
      case "query":
        return {
          kind: "query",
          name: injection.name,
          value: new Secret(field(fields, injection.field ?? primary, provider)),
        };
      default: {
        const never: never = injection;
        return never;
      }
    }
  });
}

/** Sets query parameter `name` in a request target, replacing every existing one of that name. */
export function setQueryParam(target: string, name: string, value: string): string {
  const hash = target.indexOf("#");
  const base = hash === -1 ? target : target.slice(0, hash);
  const q = base.indexOf("?");
  const path = q === -1 ? base : base.slice(0, q);
  const kept = (q === -1 ? "" : base.slice(q + 1)).split("&").filter((pair) => {
    if (pair === "") return false;
    const key = pair.split("=", 1)[0];
    try {
      return decodeURIComponent(key.replaceAll("+", " ")) !== name;
    } catch {
      return key !== name;
    }
  });
  kept.push(`${encodeURIComponent(name)}=${encodeURIComponent(value)}`);
  return `${path}?${kept.join("&")}`;
}
