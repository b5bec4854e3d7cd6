/**
 * What a user without an OAuth client is told, before any network call: the
 * page where the provider registers OAuth apps, the exact callback URL to
 * register, and, where the provider takes tokens made by hand, `--flow api_key`.
 * Pure.
 */

import { AuthsomeError } from "../../errors.ts";
import type { OAuthSpec } from "../../providers/schema.ts";
import { fillBaseUrl, specEndpoints } from "./endpoints.ts";
import type { OAuthFlow } from "./flow.ts";
import { CALLBACK_PATH } from "./loopback.ts";

/** The endpoints each flow cannot do without. */
const FLOW_NEEDS: Readonly<Record<OAuthFlow, readonly ("authorization" | "token" | "device")[]>> = {
  pkce: ["authorization", "token"],
  device_code: ["device", "token"],
  client_credentials: ["token"],
};

/**
 * True when a login without a client cannot get one: the definition names
 * every endpoint the flow needs (so discovery could only look for a
 * registration endpoint) and offers no client registration.
 */
export function cannotGetClient(spec: OAuthSpec, provider: string, flow: OAuthFlow): boolean {
  if (spec.registration_url !== undefined || spec.dynamic_registration) return false;
  const own = specEndpoints(spec, provider);
  return FLOW_NEEDS[flow].every((name) => own[name] !== undefined);
}

/** The loopback callback URL a PKCE login listens on, when its port is fixed. */
export function callbackUrl(spec: OAuthSpec, callbackPort?: number): string | undefined {
  const port = callbackPort ?? spec.redirect_port;
  return port === undefined ? undefined : `http://127.0.0.1:${port}${CALLBACK_PATH}`;
}

/** The `usage` error for a login that has no OAuth client id, with everything needed to make one. */
export function noClientError(
  spec: OAuthSpec,
  provider: string,
  callbackPort?: number,
): AuthsomeError {
  const page = fillBaseUrl(spec.app_registration_url, spec, provider);
  const pkce = (spec.flows ?? ["pkce"]).includes("pkce") && spec.authorization_url !== undefined;
  const callback = callbackUrl(spec, callbackPort);
  const lines = [
    `Register an OAuth app${page ? ` at ${page}` : ""}${
      pkce
        ? callback
          ? ` with the callback URL ${callback}`
          : ` with the callback URL http://127.0.0.1:PORT${CALLBACK_PATH} (a PORT of yours, given with --callback-port PORT)`
        : ""
    },`,
    `then: authsome login ${provider} --client-id ID [--client-secret-stdin]`,
  ];
  const tokens = fillBaseUrl(spec.personal_token_url, spec, provider);
  if (tokens) {
    lines.push(
      `Or store a token made at ${tokens}: authsome login ${provider} --flow api_key`,
    );
  }
  return new AuthsomeError("usage", `Provider "${provider}" needs an OAuth client id`, {
    hint: lines.join("\n"),
  });
}
