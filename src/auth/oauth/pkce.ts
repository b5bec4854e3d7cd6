/**
 * The pure parts of the authorization code flow with PKCE: the verifier and
 * its S256 challenge (RFC 7636), the `state`, the authorization request URL
 * (RFC 6749 §4.1.1) and the reading of the redirect (§4.1.2).
 */

import { printable } from "./http.ts";
import { encodeBase64Url as base64Url } from "../../encoding.ts";

/** Random bytes; tests pass their own. */
export type RandomBytes = (length: number) => Uint8Array;

const defaultRandom: RandomBytes = (length) => crypto.getRandomValues(new Uint8Array(length));

/** A code verifier: 32 random octets base64url-encoded, 43 characters (RFC 7636 §4.1). */
export function newVerifier(random: RandomBytes = defaultRandom): string {
  return base64Url(random(32));
}

/** The S256 challenge: BASE64URL(SHA256(ASCII(code_verifier))) (RFC 7636 §4.2). */
export async function challengeS256(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return base64Url(new Uint8Array(digest));
}

/** An unguessable `state` bound to this login (RFC 6749 §10.12). */
export function newState(random: RandomBytes = defaultRandom): string {
  return base64Url(random(24));
}

/** What goes into the authorization request. */
export interface AuthorizationRequest {
  readonly endpoint: string;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly scope?: string;
  readonly state: string;
  readonly challenge: string;
}

/**
 * The authorization URL. The endpoint's own query is kept (RFC 6749 §3.1:
 * it "MUST be retained when adding additional query parameters"); our
 * parameters replace any of the same name.
 */
export function authorizationUrl(request: AuthorizationRequest): string {
  const url = new URL(request.endpoint);
  const params: [string, string | undefined][] = [
    ["response_type", "code"],
    ["client_id", request.clientId],
    ["redirect_uri", request.redirectUri],
    ["scope", request.scope],
    ["state", request.state],
    ["code_challenge", request.challenge],
    ["code_challenge_method", "S256"],
  ];
  for (const [name, value] of params) {
    if (value !== undefined && value !== "") url.searchParams.set(name, value);
  }
  return url.toString();
}

/** What the redirect to the loopback listener said. */
export type Callback =
  | { readonly kind: "code"; readonly code: string }
  | { readonly kind: "error"; readonly error: string; readonly description?: string }
  | { readonly kind: "wrong_state" }
  | { readonly kind: "invalid"; readonly reason: string };

/** Compares two strings in time independent of where they differ. */
export function constantTimeEqual(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}

/** Reads the redirect's query; `state` must match before anything else is believed (§10.12). */
export function parseCallback(query: URLSearchParams, expectedState: string): Callback {
  const state = query.get("state");
  if (state === null || !constantTimeEqual(state, expectedState)) return { kind: "wrong_state" };
  const error = query.get("error");
  if (error !== null) {
    // RFC 6749 §4.1.2.1: error, error_description.
    const description = query.get("error_description") ?? undefined;
    return {
      kind: "error",
      error: printable(error, 100),
      description: description === undefined ? undefined : printable(description),
    };
  }
  const code = query.get("code");
  if (code === null || code === "") return { kind: "invalid", reason: "no code in the redirect" };
  return { kind: "code", code };
}
