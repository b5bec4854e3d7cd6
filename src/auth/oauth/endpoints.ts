/**
 * A provider's OAuth endpoints: the definition's URLs with `{base_url}`
 * filled in, completed by a discovery document where the definition leaves
 * one out. Pure.
 */

import { AuthsomeError } from "../../errors.ts";
import type { OAuthSpec } from "../../providers/schema.ts";

/** The endpoints a flow may need; any may be missing. */
export interface Endpoints {
  readonly issuer?: string;
  readonly authorization?: string;
  readonly token?: string;
  readonly device?: string;
  readonly revocation?: string;
  readonly registration?: string;
}

/** Authorization server metadata as RFC 8414 §2 (and OpenID Discovery §3) name it. */
export interface Metadata {
  readonly issuer?: string;
  readonly authorization_endpoint?: string;
  readonly token_endpoint?: string;
  readonly device_authorization_endpoint?: string;
  readonly revocation_endpoint?: string;
  readonly registration_endpoint?: string;
  readonly code_challenge_methods_supported?: readonly string[];
  readonly grant_types_supported?: readonly string[];
}

/** True for an https URL, or http on the loopback (tests, local servers). */
export function isAllowedEndpoint(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol === "https:") return true;
  return parsed.protocol === "http:" &&
    (parsed.hostname === "127.0.0.1" || parsed.hostname === "localhost");
}

/** Fills `{base_url}` in a definition URL. */
export function fillBaseUrl(
  url: string | undefined,
  spec: Pick<OAuthSpec, "base_url">,
  provider: string,
): string | undefined {
  if (url === undefined || !url.includes("{base_url}")) return url;
  if (!spec.base_url) {
    throw new AuthsomeError(
      "invalid",
      `Provider "${provider}" uses {base_url} but sets no base_url`,
      {
        hint: `Add oauth.base_url to the provider file`,
      },
    );
  }
  return url.replaceAll("{base_url}", spec.base_url.replace(/\/+$/, ""));
}

/** The endpoints the definition itself names. */
export function specEndpoints(spec: OAuthSpec, provider: string): Endpoints {
  const fill = (url: string | undefined) => fillBaseUrl(url, spec, provider);
  return {
    authorization: fill(spec.authorization_url),
    token: fill(spec.token_url),
    device: fill(spec.device_authorization_url),
    revocation: fill(spec.revocation_url),
    registration: fill(spec.registration_url),
  };
}

/** Where discovery documents may be: the definition's discovery_url, else well-known URLs of base_url. */
export function discoveryUrls(spec: OAuthSpec, provider: string): string[] {
  const explicit = fillBaseUrl(spec.discovery_url, spec, provider);
  if (explicit) return [explicit];
  if (!spec.base_url) return [];
  const issuer = new URL(spec.base_url);
  const path = issuer.pathname.replace(/\/+$/, "");
  return [
    // RFC 8414 §3.1: the well-known suffix goes between the host and the issuer's path.
    `${issuer.origin}/.well-known/oauth-authorization-server${path}`,
    // OpenID Connect Discovery 1.0 §4: appended to the issuer's path.
    `${issuer.origin}${path}/.well-known/openid-configuration`,
  ];
}

function field(meta: Readonly<Record<string, unknown>>, name: string): string | undefined {
  const value = meta[name];
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** Reads a metadata document; endpoints that are not https (or loopback http) are dropped. */
export function parseMetadata(body: Readonly<Record<string, unknown>>): Metadata {
  const endpoint = (name: string) => {
    const value = field(body, name);
    return value !== undefined && isAllowedEndpoint(value) ? value : undefined;
  };
  const list = (name: string) =>
    Array.isArray(body[name])
      ? (body[name] as unknown[]).filter((v): v is string => typeof v === "string")
      : undefined;
  return {
    issuer: field(body, "issuer"),
    authorization_endpoint: endpoint("authorization_endpoint"),
    token_endpoint: endpoint("token_endpoint"),
    device_authorization_endpoint: endpoint("device_authorization_endpoint"),
    revocation_endpoint: endpoint("revocation_endpoint"),
    registration_endpoint: endpoint("registration_endpoint"),
    code_challenge_methods_supported: list("code_challenge_methods_supported"),
    grant_types_supported: list("grant_types_supported"),
  };
}

/** The definition's endpoints, with gaps filled from `meta`: the definition wins. */
export function withMetadata(endpoints: Endpoints, meta: Metadata | undefined): Endpoints {
  if (!meta) return endpoints;
  return {
    issuer: endpoints.issuer ?? meta.issuer,
    authorization: endpoints.authorization ?? meta.authorization_endpoint,
    token: endpoints.token ?? meta.token_endpoint,
    device: endpoints.device ?? meta.device_authorization_endpoint,
    revocation: endpoints.revocation ?? meta.revocation_endpoint,
    registration: endpoints.registration ?? meta.registration_endpoint,
  };
}

/** The endpoint `name`, or an `invalid` error saying the provider lacks it. */
export function required(
  endpoints: Endpoints,
  name: keyof Endpoints,
  provider: string,
): string {
  const url = endpoints[name];
  if (url === undefined) {
    throw new AuthsomeError("invalid", `Provider "${provider}" has no ${name} endpoint`, {
      hint: `Add oauth.${name === "device" ? "device_authorization" : name}_url to its definition`,
    });
  }
  return url;
}
