/**
 * One OAuth login from start to tokens: endpoints (with discovery when
 * needed), a client (given, stored, the definition's, or registered), then
 * the chosen flow. What the user must see or do is handed to `events`; the
 * CLI prints it. Nothing is stored here: the caller writes the result.
 */

import { AuthsomeError, isAuthsomeError } from "../../errors.ts";
import type { OAuthSpec } from "../../providers/schema.ts";
import { chooseClient, clientAuth, type ClientFlags, type OAuthClient } from "./clients.ts";
import { registerClient, registrationRequest } from "./dcr.ts";
import {
  type Clock,
  DEVICE_GRANT,
  pollDeviceToken,
  realClock,
  requestDeviceCode,
} from "./device_code.ts";
import { type Needed, resolveEndpoints } from "./discovery.ts";
import { type Endpoints, required, specEndpoints } from "./endpoints.ts";
import type { OAuthFlow } from "./flow.ts";
import type { HttpOptions } from "./http.ts";
import { listenLoopback, type Loopback } from "./loopback.ts";
import { cannotGetClient, noClientError } from "./no_client.ts";
import { authorizationUrl, challengeS256, newState, newVerifier } from "./pkce.ts";
import {
  clientCredentialsGrant,
  exchangeCode,
  expectTokens,
  type TokenEndpoint,
  type TokenSet,
} from "./tokens.ts";

/** What the user is shown during a login. */
export interface LoginEvents {
  /** The authorization URL to open (PKCE); the listener is already waiting. */
  authorize(url: string): void | Promise<void>;
  /** The user code to enter at the verification URL (device code). */
  device(info: {
    userCode: string;
    verificationUri: string;
    verificationUriComplete?: string;
    expiresInSeconds?: number;
  }): void;
  /** A client was registered dynamically. */
  registered?(clientId: string): void;
  /** A redirect to the listener was refused (wrong state); the wait goes on. */
  refused?(reason: string): void;
}

/** Everything a login needs. */
export interface LoginRequest {
  readonly provider: string;
  readonly title: string;
  readonly spec: OAuthSpec;
  readonly flow: OAuthFlow;
  readonly scopes: readonly string[];
  readonly flags: ClientFlags;
  readonly stored?: OAuthClient;
  readonly http?: HttpOptions;
  readonly clock?: Clock;
  readonly signal?: AbortSignal;
  /** How long to wait for the browser (PKCE). */
  readonly timeoutMs: number;
  /** The loopback port for the PKCE callback, instead of the definition's `redirect_port`. */
  readonly callbackPort?: number;
}

/** The tokens, and the client to keep for refresh and logout (undefined: nothing to store). */
export interface LoginResult {
  readonly tokens: TokenSet;
  readonly clientId: string;
  readonly storeClient?: OAuthClient;
}

const NEEDS: Readonly<Record<OAuthFlow, Needed>> = {
  pkce: ["authorization", "token"],
  device_code: ["device", "token"],
  client_credentials: ["token"],
};

const GRANTS: Readonly<Record<OAuthFlow, readonly string[]>> = {
  pkce: ["authorization_code", "refresh_token"],
  device_code: [DEVICE_GRANT, "refresh_token"],
  client_credentials: ["client_credentials"],
};

/** Runs the login and returns the tokens; throws `auth`, `network`, `usage` or `cancelled`. */
export async function loginOAuth(req: LoginRequest, events: LoginEvents): Promise<LoginResult> {
  const http = { ...req.http, signal: req.signal };
  let client = chooseClient(req.flags, req.stored, req.spec, req.provider);
  if (!client && cannotGetClient(req.spec, req.provider, req.flow)) {
    throw noClientError(req.spec, req.provider, req.callbackPort);
  }
  const needed: Needed = client ? NEEDS[req.flow] : [...NEEDS[req.flow], "registration"];
  const endpoints = await resolveEndpoints(req.spec, req.provider, needed, http, client?.endpoints);
  const registration = endpoints.registration;
  if (!client && !registration) throw noClientError(req.spec, req.provider, req.callbackPort);
  const scope = req.scopes.length > 0 ? req.scopes.join(req.spec.scope_separator) : undefined;
  const register = async (redirectUris: string[]): Promise<OAuthClient> => {
    const metadata = registrationRequest(redirectUris, GRANTS[req.flow], scope);
    const issued = await registerClient(registration!, metadata, req.provider, http);
    events.registered?.(issued.clientId);
    return { ...issued, endpoints };
  };
  // A client from the definition alone is not stored, unless discovery found endpoints to keep.
  const fromSpec = client !== undefined && req.stored === undefined &&
    req.flags.clientId === undefined && req.flags.clientSecret === undefined;
  let tokens: TokenSet;
  if (req.flow === "pkce") {
    await using listener = listen(req, client, registration !== undefined, events);
    if (!client || (client.redirectUris && !client.redirectUris.includes(listener.redirectUri))) {
      client = await register([listener.redirectUri]);
    }
    tokens = await pkce(req, endpoints, client, listener, events, http);
  } else {
    client ??= await register([]);
    tokens = req.flow === "device_code"
      ? await device(req, endpoints, client, scope, events, http)
      : await clientCredentials(req, endpoints, client, scope, http);
  }
  const discovered =
    JSON.stringify(endpoints) !== JSON.stringify(specEndpoints(req.spec, req.provider));
  return {
    tokens,
    clientId: client.clientId,
    storeClient: !fromSpec || discovered ? { ...client, endpoints } : undefined,
  };
}

/** The listener: the provider's fixed port, else a registered client's, else an ephemeral one. */
function listen(
  req: LoginRequest,
  client: OAuthClient | undefined,
  canRegister: boolean,
  events: LoginEvents,
): Loopback {
  const state = newState();
  const registeredPort = client?.redirectUris
    ?.map((uri) => Number(new URL(uri).port))
    .find((port) => port > 0);
  const fixed = req.callbackPort ?? req.spec.redirect_port;
  const port = fixed ?? registeredPort;
  const options = { state, title: req.title, onRefused: events.refused };
  try {
    return listenLoopback({ ...options, port });
  } catch (error) {
    // A registered client's port is taken: listen anywhere and register again.
    if (!isAuthsomeError(error, "conflict") || fixed || !canRegister) throw error;
    return listenLoopback(options);
  }
}

function tokenEndpoint(
  req: LoginRequest,
  endpoints: Endpoints,
  client: OAuthClient,
  http: HttpOptions,
): TokenEndpoint {
  return {
    url: required(endpoints, "token", req.provider),
    client: clientAuth(client, req.spec),
    http,
    now: req.clock?.now,
  };
}

/** Authorization code with PKCE (RFC 6749 §4.1, RFC 7636). */
async function pkce(
  req: LoginRequest,
  endpoints: Endpoints,
  client: OAuthClient,
  listener: Loopback,
  events: LoginEvents,
  http: HttpOptions,
): Promise<TokenSet> {
  const verifier = newVerifier();
  const url = authorizationUrl({
    endpoint: required(endpoints, "authorization", req.provider),
    clientId: client.clientId,
    redirectUri: listener.redirectUri,
    scope: req.scopes.length > 0 ? req.scopes.join(req.spec.scope_separator) : undefined,
    state: listener.state,
    challenge: await challengeS256(verifier),
  });
  await events.authorize(url);
  const code = await listener.wait({ timeoutMs: req.timeoutMs, signal: req.signal });
  const result = await exchangeCode(
    tokenEndpoint(req, endpoints, client, http),
    { code, redirectUri: listener.redirectUri, verifier },
    req.scopes,
  );
  return expectTokens(result, req.provider);
}

/** The device authorization grant (RFC 8628). */
async function device(
  req: LoginRequest,
  endpoints: Endpoints,
  client: OAuthClient,
  scope: string | undefined,
  events: LoginEvents,
  http: HttpOptions,
): Promise<TokenSet> {
  const auth = clientAuth(client, req.spec);
  const url = required(endpoints, "device", req.provider);
  const grant = await requestDeviceCode(url, auth, scope, req.provider, http);
  events.device({
    userCode: grant.userCode,
    verificationUri: grant.verificationUri,
    verificationUriComplete: grant.verificationUriComplete,
    expiresInSeconds: grant.expiresIn,
  });
  return await pollDeviceToken(
    tokenEndpoint(req, endpoints, client, http),
    grant,
    req.scopes,
    req.provider,
    req.clock ?? realClock,
    req.signal,
  );
}

/** The client credentials grant (RFC 6749 §4.4): needs a confidential client. */
async function clientCredentials(
  req: LoginRequest,
  endpoints: Endpoints,
  client: OAuthClient,
  scope: string | undefined,
  http: HttpOptions,
): Promise<TokenSet> {
  if (!client.clientSecret) {
    throw new AuthsomeError("usage", "The client credentials flow needs a client secret", {
      hint:
        `Pipe it in: authsome login ${req.provider} --flow client_credentials --client-id ID --client-secret-stdin`,
    });
  }
  const result = await clientCredentialsGrant(
    tokenEndpoint(req, endpoints, client, http),
    scope,
    req.scopes,
  );
  return expectTokens(result, req.provider);
}
