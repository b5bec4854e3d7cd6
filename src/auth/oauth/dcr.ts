/**
 * Dynamic client registration (RFC 7591): authsome registers itself as a
 * native public client (RFC 8252 §8.4) with its loopback redirect URI and
 * gets a client id, for servers (MCP-style) that hand them out on request.
 */

import { AuthsomeError } from "../../errors.ts";
import { Secret } from "../../secret.ts";
import {
  type AuthMethod,
  describeError,
  type HttpOptions,
  oauthError,
  requestJson,
} from "./http.ts";

/** What the registration endpoint issued (RFC 7591 §3.2.1). */
export interface RegisteredClient {
  readonly clientId: string;
  readonly clientSecret?: Secret;
  readonly method: AuthMethod;
  /** When the secret expires (ms since the epoch); absent when it does not. */
  readonly secretExpiresAt?: number;
  readonly redirectUris: readonly string[];
}

/** The client metadata authsome sends (RFC 7591 §2). */
export function registrationRequest(
  redirectUris: readonly string[],
  grantTypes: readonly string[],
  scope: string | undefined,
): Record<string, unknown> {
  return {
    client_name: "authsome",
    redirect_uris: [...redirectUris],
    grant_types: [...grantTypes],
    response_types: grantTypes.includes("authorization_code") ? ["code"] : [],
    // RFC 8252 §8.4: a native app cannot keep a secret, so it registers as a public client.
    token_endpoint_auth_method: "none",
    application_type: "native",
    ...(scope ? { scope } : {}),
  };
}

const METHODS: readonly AuthMethod[] = ["none", "client_secret_post", "client_secret_basic"];

/** Reads a registration response; undefined without a client_id. */
export function parseRegistration(
  body: Readonly<Record<string, unknown>>,
  sentRedirects: readonly string[],
): RegisteredClient | undefined {
  if (typeof body.client_id !== "string" || body.client_id === "") return undefined;
  const secret = typeof body.client_secret === "string" && body.client_secret !== ""
    ? new Secret(body.client_secret)
    : undefined;
  const method = METHODS.find((m) => m === body.token_endpoint_auth_method) ??
    (secret ? "client_secret_basic" : "none");
  const expires = typeof body.client_secret_expires_at === "number" &&
      body.client_secret_expires_at > 0
    ? body.client_secret_expires_at * 1000
    : undefined;
  const uris = Array.isArray(body.redirect_uris)
    ? body.redirect_uris.filter((u): u is string => typeof u === "string")
    : [...sentRedirects];
  return {
    clientId: body.client_id,
    clientSecret: secret,
    method,
    secretExpiresAt: expires,
    redirectUris: uris,
  };
}

/** Registers a client at `url` (RFC 7591 §3.1). */
export async function registerClient(
  url: string,
  metadata: Record<string, unknown>,
  provider: string,
  http: HttpOptions = {},
): Promise<RegisteredClient> {
  const answer = await requestJson(url, metadata, "registration endpoint", http);
  const error = oauthError(answer.body);
  const redirects = (metadata.redirect_uris as string[] | undefined) ?? [];
  const client = answer.status < 300 && !error
    ? parseRegistration(answer.body, redirects)
    : undefined;
  if (!client) {
    const why = error ? describeError(error) : `status ${answer.status} without a client_id`;
    throw new AuthsomeError("auth", `Client registration at "${provider}" failed: ${why}`, {
      hint: `Register a client by hand and pass it: authsome login ${provider} --client-id ID`,
    });
  }
  return client;
}
