/**
 * A real OAuth2 authorization server for the tests, on 127.0.0.1: authorize
 * (auto-approving, or denying), token (authorization code with PKCE S256,
 * refresh with rotation, client credentials, device code), device
 * authorization, revocation, dynamic registration and discovery. It checks
 * what a real server checks and counts what the tests assert on. Every
 * token it issues contains `oauth-canary`, so tests can sweep outputs for it.
 */

/** The marker in every token value, searched for in outputs and logs. */
export const TOKEN_CANARY = "oauth-canary";

/** A client the server knows. */
export interface TestClient {
  readonly secret?: string;
  readonly redirectUris?: readonly string[];
}

/** What a device poll answers, in order; the last entry repeats. */
export type DeviceStep =
  | "authorization_pending"
  | "slow_down"
  | "approve"
  | "access_denied"
  | "expired_token";

/** Behaviour the tests change between steps. */
export interface ServerSettings {
  /** expires_in of tokens from login grants, and from refresh. */
  loginLifetime: number;
  refreshLifetime: number;
  /** Refresh answers invalid_grant. */
  refreshFails: boolean;
  /** Time the refresh grant takes, to widen races. */
  refreshDelayMs: number;
  /** The authorize endpoint answers access_denied. */
  denyAuthorize: boolean;
  deviceScript: DeviceStep[];
  deviceInterval: number;
  deviceExpiresIn: number;
  /** Status the revocation endpoint answers with. */
  revocationStatus: number;
  /** Whether the well-known documents exist. */
  discovery: boolean;
}

/** What the server saw. */
export interface ServerStats {
  refreshes: number;
  /** Refresh tokens presented after they had been rotated away. */
  reusedRefreshTokens: number;
  pkceVerified: number;
  registrations: number;
  authorizeQueries: URLSearchParams[];
  devicePolls: number[];
  revoked: string[];
  /** How each token request authenticated: basic, post, or none. */
  clientAuth: string[];
  /** Access tokens in the order they were issued. */
  accessTokens: string[];
}

/** A running test server. */
export interface OAuthServer extends AsyncDisposable {
  readonly url: string;
  readonly clients: Map<string, TestClient>;
  readonly settings: ServerSettings;
  readonly stats: ServerStats;
  /** Every token value issued (access, refresh, device codes). */
  readonly issued: Set<string>;
}

function random(prefix: string): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return `${prefix}-${TOKEN_CANARY}-${
    [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("")
  }`;
}

async function s256(verifier: string): Promise<string> {
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)),
  );
  return btoa(String.fromCharCode(...digest)).replaceAll("+", "-").replaceAll("/", "_").replace(
    /=+$/,
    "",
  );
}

function oauthError(error: string, status = 400, description?: string): Response {
  return Response.json({ error, ...(description ? { error_description: description } : {}) }, {
    status,
    headers: { "cache-control": "no-store" },
  });
}

interface Grant {
  clientId: string;
  scope: string;
}

/** Starts the server; `clients` are registered up front. */
export function startOAuthServer(clients: Record<string, TestClient> = {}): OAuthServer {
  const settings: ServerSettings = {
    loginLifetime: 3600,
    refreshLifetime: 3600,
    refreshFails: false,
    refreshDelayMs: 0,
    denyAuthorize: false,
    deviceScript: ["approve"],
    deviceInterval: 1,
    deviceExpiresIn: 600,
    revocationStatus: 200,
    discovery: true,
  };
  const stats: ServerStats = {
    refreshes: 0,
    reusedRefreshTokens: 0,
    pkceVerified: 0,
    registrations: 0,
    authorizeQueries: [],
    devicePolls: [],
    revoked: [],
    clientAuth: [],
    accessTokens: [],
  };
  const known = new Map(Object.entries(clients));
  const issued = new Set<string>();
  const codes = new Map<string, Grant & { redirectUri: string; challenge: string }>();
  const refreshTokens = new Map<string, Grant & { used: boolean }>();
  const devices = new Map<string, Grant & { step: number }>();
  let base = "";

  const issue = (grant: Grant, lifetime: number, refresh: boolean) => {
    const access = random("at");
    issued.add(access);
    stats.accessTokens.push(access);
    const body: Record<string, unknown> = {
      access_token: access,
      token_type: "Bearer",
      expires_in: lifetime,
      scope: grant.scope,
    };
    if (refresh) {
      const token = random("rt");
      issued.add(token);
      refreshTokens.set(token, { ...grant, used: false });
      body.refresh_token = token;
    }
    return Response.json(body, { headers: { "cache-control": "no-store" } });
  };

  /** RFC 6749 §2.3.1: Basic or body credentials; a client with a secret must present it. */
  const authenticate = (request: Request, form: URLSearchParams): string | Response => {
    const header = request.headers.get("authorization");
    let id = form.get("client_id") ?? undefined;
    let secret = form.get("client_secret") ?? undefined;
    let how = secret === undefined ? "none" : "post";
    if (header?.startsWith("Basic ")) {
      const [user, pass] = atob(header.slice(6)).split(":").map(decodeURIComponent);
      if (id !== undefined && id !== user) {
        return oauthError("invalid_request", 400, "two client ids");
      }
      [id, secret, how] = [user, pass, "basic"];
    }
    const client = id === undefined ? undefined : known.get(id);
    if (!client || (client.secret !== undefined && client.secret !== secret)) {
      return oauthError("invalid_client", 401);
    }
    stats.clientAuth.push(how);
    return id!;
  };

  const token = async (request: Request): Promise<Response> => {
    const form = new URLSearchParams(await request.text());
    const clientId = authenticate(request, form);
    if (clientId instanceof Response) return clientId;
    switch (form.get("grant_type")) {
      case "authorization_code": {
        const code = codes.get(form.get("code") ?? "");
        codes.delete(form.get("code") ?? "");
        if (!code || code.clientId !== clientId || code.redirectUri !== form.get("redirect_uri")) {
          return oauthError("invalid_grant");
        }
        // RFC 7636 §4.6: the verifier must hash to the challenge.
        if (await s256(form.get("code_verifier") ?? "") !== code.challenge) {
          return oauthError("invalid_grant", 400, "PKCE verification failed");
        }
        stats.pkceVerified++;
        return issue(code, settings.loginLifetime, true);
      }
      case "refresh_token": {
        const presented = form.get("refresh_token") ?? "";
        const grant = refreshTokens.get(presented);
        if (grant?.used) stats.reusedRefreshTokens++;
        if (!grant || grant.used || grant.clientId !== clientId || settings.refreshFails) {
          return oauthError("invalid_grant", 400, "refresh token is invalid");
        }
        grant.used = true;
        stats.refreshes++;
        await new Promise((r) => setTimeout(r, settings.refreshDelayMs));
        return issue(grant, settings.refreshLifetime, true);
      }
      case "client_credentials":
        if (known.get(clientId)?.secret === undefined) return oauthError("unauthorized_client");
        return issue({ clientId, scope: form.get("scope") ?? "" }, settings.loginLifetime, false);
      case "urn:ietf:params:oauth:grant-type:device_code": {
        const device = devices.get(form.get("device_code") ?? "");
        if (!device || device.clientId !== clientId) return oauthError("invalid_grant");
        stats.devicePolls.push(Date.now());
        const step =
          settings.deviceScript[Math.min(device.step++, settings.deviceScript.length - 1)];
        if (step !== "approve") return oauthError(step);
        devices.delete(form.get("device_code") ?? "");
        return issue(device, settings.loginLifetime, true);
      }
      default:
        return oauthError("unsupported_grant_type");
    }
  };

  const authorize = (url: URL): Response => {
    const q = url.searchParams;
    stats.authorizeQueries.push(q);
    const client = known.get(q.get("client_id") ?? "");
    const redirect = q.get("redirect_uri") ?? "";
    const loopback = /^http:\/\/127\.0\.0\.1:\d+\/callback$/.test(redirect);
    if (!client || !loopback || (client.redirectUris && !client.redirectUris.includes(redirect))) {
      return new Response("bad client or redirect_uri", { status: 400 });
    }
    const back = new URL(redirect);
    back.searchParams.set("state", q.get("state") ?? "");
    if (
      q.get("response_type") !== "code" || q.get("code_challenge_method") !== "S256" ||
      !q.get("code_challenge")
    ) {
      back.searchParams.set("error", "invalid_request");
    } else if (settings.denyAuthorize) {
      back.searchParams.set("error", "access_denied");
      back.searchParams.set("error_description", "The user said no");
    } else {
      const code = random("code");
      codes.set(code, {
        clientId: q.get("client_id")!,
        redirectUri: redirect,
        challenge: q.get("code_challenge")!,
        scope: q.get("scope") ?? "",
      });
      back.searchParams.set("code", code);
    }
    return new Response(null, { status: 302, headers: { location: back.toString() } });
  };

  const metadata = () =>
    Response.json({
      issuer: base,
      authorization_endpoint: `${base}/authorize`,
      token_endpoint: `${base}/token`,
      device_authorization_endpoint: `${base}/device`,
      revocation_endpoint: `${base}/revoke`,
      registration_endpoint: `${base}/register`,
      code_challenge_methods_supported: ["S256"],
    });

  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (request) => {
      const url = new URL(request.url);
      const route = `${request.method} ${url.pathname}`;
      switch (route) {
        case "GET /.well-known/oauth-authorization-server":
        case "GET /.well-known/openid-configuration":
          return settings.discovery ? metadata() : new Response("not found", { status: 404 });
        case "GET /authorize":
          return authorize(url);
        case "POST /token":
          return await token(request);
        case "POST /device": {
          const form = new URLSearchParams(await request.text());
          const clientId = authenticate(request, form);
          if (clientId instanceof Response) return clientId;
          const code = random("dc");
          issued.add(code);
          devices.set(code, { clientId, scope: form.get("scope") ?? "", step: 0 });
          return Response.json({
            device_code: code,
            user_code: "WDJB-MJHT",
            verification_uri: `${base}/activate`,
            verification_uri_complete: `${base}/activate?user_code=WDJB-MJHT`,
            expires_in: settings.deviceExpiresIn,
            interval: settings.deviceInterval,
          });
        }
        case "POST /revoke": {
          const form = new URLSearchParams(await request.text());
          const clientId = authenticate(request, form);
          if (clientId instanceof Response) return clientId;
          if (settings.revocationStatus !== 200) {
            return oauthError(
              "temporarily_unavailable",
              settings.revocationStatus,
            );
          }
          stats.revoked.push(form.get("token") ?? "");
          return new Response(null, { status: 200 });
        }
        case "POST /register": {
          const body = await request.json();
          if (!Array.isArray(body.redirect_uris) || body.token_endpoint_auth_method !== "none") {
            return oauthError("invalid_client_metadata");
          }
          stats.registrations++;
          const id = `dcr-client-${stats.registrations}`;
          known.set(id, {
            redirectUris: body.redirect_uris.length > 0 ? body.redirect_uris : undefined,
          });
          return Response.json({ ...body, client_id: id, client_id_issued_at: 0 }, { status: 201 });
        }
        default:
          return new Response("not found", { status: 404 });
      }
    },
  );
  base = `http://127.0.0.1:${server.addr.port}`;
  return {
    url: base,
    clients: known,
    settings,
    stats,
    issued,
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}
