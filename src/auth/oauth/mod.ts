/**
 * OAuth2 for authsome: the login flows (authorization code with PKCE on a
 * loopback listener, device code, client credentials, with discovery and
 * dynamic client registration), token refresh under the vault lock, and
 * revocation. It never prints, prompts or stores a connection itself: the
 * CLI shows what `LoginEvents` report and writes the result; refresh writes
 * only the connection it renews. Loaded only for OAuth work.
 */

export { getClient, type OAuthClient, putClient } from "./clients.ts";
export { type Clock, realClock } from "./device_code.ts";
export { browserCommand, chooseFlow, type OAuthFlow, type Surroundings } from "./flow.ts";
export type { FetchFn, HttpOptions } from "./http.ts";
export { type LoginEvents, loginOAuth, type LoginRequest, type LoginResult } from "./login.ts";
export { refreshConnection } from "./refresh.ts";
export { type Revocation, revokeConnection } from "./revoke.ts";
export type { TokenSet } from "./tokens.ts";
