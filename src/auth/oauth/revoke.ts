/**
 * Token revocation (RFC 7009): the refresh token first (revoking it should
 * end the access tokens of the same grant, §2.1), then the access token.
 * Each outcome is returned; nothing here decides whether a logout goes on.
 */

import { isAuthsomeError } from "../../errors.ts";
import type { Provider } from "../../providers/registry.ts";
import type { Secret } from "../../secret.ts";
import type { Connection } from "../../vault/connections.ts";
import type { Records } from "../../vault/store.ts";
import { clientAuth, connectionClient } from "./clients.ts";
import { resolveEndpoints } from "./discovery.ts";
import { type ClientAuth, describeError, type HttpOptions, oauthError, postForm } from "./http.ts";

/** What revoking one token did. */
export type Revocation =
  | { readonly kind: "revoked"; readonly token: "access_token" | "refresh_token" }
  | {
    readonly kind: "failed";
    readonly token: "access_token" | "refresh_token";
    readonly reason: string;
  };

/** Revokes the tokens given, refresh token first; never throws for a refusal or a network failure. */
export async function revokeTokens(
  url: string,
  client: ClientAuth,
  tokens: { accessToken?: Secret; refreshToken?: Secret },
  http: HttpOptions = {},
): Promise<Revocation[]> {
  const order = [
    ["refresh_token", tokens.refreshToken],
    ["access_token", tokens.accessToken],
  ] as const;
  const results: Revocation[] = [];
  for (const [hint, token] of order) {
    if (!token) continue;
    try {
      // §2.1: token and token_type_hint, with the client's authentication.
      const answer = await postForm(
        url,
        { token: token.reveal(), token_type_hint: hint },
        client,
        "revocation endpoint",
        http,
      );
      const error = oauthError(answer.body);
      if (answer.status === 200 && !error) results.push({ kind: "revoked", token: hint });
      else {
        const reason = error ? describeError(error) : `status ${answer.status}`;
        results.push({ kind: "failed", token: hint, reason });
      }
    } catch (error) {
      if (!isAuthsomeError(error)) throw error;
      results.push({ kind: "failed", token: hint, reason: error.message });
    }
  }
  return results;
}

/**
 * Revokes a connection's tokens where the provider has a revocation
 * endpoint; undefined where it has none, or where the token was pasted
 * (no client to revoke it with).
 */
export async function revokeConnection(
  provider: Provider,
  records: Records,
  connection: Connection,
  http: HttpOptions = {},
): Promise<Revocation[] | undefined> {
  const spec = provider.definition.oauth;
  if (!spec || connection.authType !== "oauth2" || connection.flow === "api_key") return undefined;
  let client;
  try {
    client = connectionClient(records, connection, spec);
  } catch {
    return undefined;
  }
  const tokens = {
    accessToken: connection.fields.access_token,
    refreshToken: connection.fields.refresh_token,
  };
  let url: string | undefined;
  try {
    const endpoints = await resolveEndpoints(
      spec,
      provider.name,
      ["revocation"],
      http,
      client.endpoints,
    );
    url = endpoints.revocation;
  } catch (error) {
    // Discovery failed: whether there is an endpoint is unknown, so revocation did not happen.
    if (!isAuthsomeError(error)) throw error;
    const failed = (token: "access_token" | "refresh_token") =>
      ({ kind: "failed", token, reason: error.message }) as const;
    return [
      ...(tokens.refreshToken ? [failed("refresh_token")] : []),
      ...(tokens.accessToken ? [failed("access_token")] : []),
    ];
  }
  if (url === undefined) return undefined;
  return await revokeTokens(url, clientAuth(client, spec), tokens, http);
}
