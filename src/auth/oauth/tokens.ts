/**
 * The token endpoint (RFC 6749 §3.2): the grants authsome uses, and the
 * reading of a token response (§5.1) or an error response (§5.2). Token
 * values are {@linkcode Secret}s from the moment they are parsed.
 */

import { AuthsomeError } from "../../errors.ts";
import { Secret } from "../../secret.ts";
import { type ClientAuth, describeError, type HttpOptions, oauthError, postForm } from "./http.ts";

/** What a successful token response gave. */
export interface TokenSet {
  readonly accessToken: Secret;
  readonly refreshToken?: Secret;
  /** When the access token expires (ms since the epoch), from `expires_in`. */
  readonly expiresAt?: number;
  /** Granted scopes: the response's `scope`, else the ones requested (§5.1). */
  readonly scopes?: readonly string[];
}

/** A token endpoint's answer: tokens, or an OAuth error code. */
export type TokenResult =
  | { readonly kind: "tokens"; readonly tokens: TokenSet }
  | {
    readonly kind: "error";
    readonly status: number;
    readonly error: string;
    readonly description?: string;
  };

/** Splits a scope string; RFC 6749 §3.3 uses spaces, some providers (Slack) commas. */
export function splitScopes(scope: string): string[] {
  return scope.split(/[\s,]+/).filter((s) => s !== "");
}

function expiresIn(value: unknown): number | undefined {
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  return typeof n === "number" && Number.isFinite(n) && n >= 0 ? n : undefined;
}

/** Reads a token response body (RFC 6749 §5.1); `now` turns `expires_in` into an instant. */
export function parseTokenResponse(
  body: Readonly<Record<string, unknown>>,
  now: number,
  requested: readonly string[] = [],
): TokenSet | undefined {
  const access = body.access_token;
  if (typeof access !== "string" || access === "") return undefined;
  const refresh = typeof body.refresh_token === "string" && body.refresh_token !== ""
    ? new Secret(body.refresh_token)
    : undefined;
  const seconds = expiresIn(body.expires_in);
  const scopes = typeof body.scope === "string" ? splitScopes(body.scope) : [...requested];
  return {
    accessToken: new Secret(access),
    refreshToken: refresh,
    expiresAt: seconds === undefined ? undefined : now + seconds * 1000,
    scopes: scopes.length > 0 ? scopes : undefined,
  };
}

/** What a token request needs besides its grant parameters. */
export interface TokenEndpoint {
  readonly url: string;
  readonly client: ClientAuth;
  readonly http?: HttpOptions;
  readonly now?: () => number;
}

/** POSTs a grant to the token endpoint and reads the answer, success or OAuth error. */
export async function requestTokens(
  endpoint: TokenEndpoint,
  params: Readonly<Record<string, string | undefined>>,
  requested: readonly string[] = [],
): Promise<TokenResult> {
  const answer = await postForm(
    endpoint.url,
    params,
    endpoint.client,
    "token endpoint",
    endpoint.http,
  );
  // Some providers (GitHub) answer errors with 200: the body decides.
  const error = oauthError(answer.body);
  if (error) return { kind: "error", status: answer.status, ...error };
  const tokens = answer.status >= 200 && answer.status < 300
    ? parseTokenResponse(answer.body, (endpoint.now ?? Date.now)(), requested)
    : undefined;
  if (!tokens) {
    return {
      kind: "error",
      status: answer.status,
      error: "invalid_response",
      description: `status ${answer.status} without an access_token`,
    };
  }
  return { kind: "tokens", tokens };
}

/** The tokens of a result, or an `auth` error naming what the provider said. */
export function expectTokens(result: TokenResult, provider: string): TokenSet {
  if (result.kind === "tokens") return result.tokens;
  throw new AuthsomeError(
    result.status >= 500 ? "network" : "auth",
    `The token endpoint of "${provider}" refused: ${describeError(result)}`,
    { hint: `Run: authsome login ${provider} --force` },
  );
}

/** Exchanges an authorization code with its PKCE verifier (RFC 6749 §4.1.3, RFC 7636 §4.5). */
export function exchangeCode(
  endpoint: TokenEndpoint,
  grant: { code: string; redirectUri: string; verifier: string },
  requested: readonly string[],
): Promise<TokenResult> {
  return requestTokens(endpoint, {
    grant_type: "authorization_code",
    code: grant.code,
    redirect_uri: grant.redirectUri,
    code_verifier: grant.verifier,
    // §4.1.3: a client that does not authenticate sends client_id; postForm adds it.
  }, requested);
}

/** The client credentials grant (RFC 6749 §4.4.2). */
export function clientCredentialsGrant(
  endpoint: TokenEndpoint,
  scope: string | undefined,
  requested: readonly string[],
): Promise<TokenResult> {
  return requestTokens(endpoint, { grant_type: "client_credentials", scope }, requested);
}

/** The refresh grant (RFC 6749 §6); scope is left out, so the original scope is kept. */
export function refreshGrant(endpoint: TokenEndpoint, refreshToken: Secret): Promise<TokenResult> {
  return requestTokens(endpoint, {
    grant_type: "refresh_token",
    refresh_token: refreshToken.reveal(),
  });
}
