/** Test fixtures for src/auth/ tests: a checked provider from a definition, and an OAuth2 connection. */

import type { Provider } from "../providers/registry.ts";
import { checkProvider } from "../providers/validate.ts";
import { Secret } from "../secret.ts";
import type { Connection } from "../vault/connections.ts";

/** A provider as the registry holds it, from a definition that must pass the checks. */
export function testProvider(raw: Record<string, unknown>): Provider {
  const checked = checkProvider(raw);
  if (!checked.ok) throw new Error(JSON.stringify(checked.problems));
  return { ...checked.provider, name: String(raw.name), source: { kind: "bundled" } } as Provider;
}

/** The OAuth2 provider "p" the tests refresh against (token endpoint, public client). */
export const OAUTH_DEFINITION = {
  name: "p",
  display_name: "P",
  auth_type: "oauth2",
  api_url: "api.p.example",
  injection: { type: "header", name: "Authorization", prefix: "Bearer " },
  oauth: { token_url: "https://as.p.example/token", token_endpoint_auth_method: "none" },
  docs_url: "https://p.example/docs",
} as const;

/** An OAuth2 connection of "p" with made-up tokens; `extra` and `fields` override. */
export function oauthConnection(
  extra: Partial<Connection> = {},
  fields: Record<string, string> = {},
): Connection {
  return {
    provider: "p",
    name: "default",
    authType: "oauth2",
    fields: Object.fromEntries(
      Object.entries({ access_token: "at1", refresh_token: "rt1", client_id: "cid", ...fields })
        .map(([k, v]) => [k, new Secret(v)]),
    ),
    createdAt: "",
    updatedAt: "",
    ...extra,
  };
}
