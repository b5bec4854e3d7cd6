/**
 * Discovery: fetches authorization server metadata (RFC 8414) or an OpenID
 * configuration, from the definition's discovery_url or the well-known URLs
 * of its base_url, only when an endpoint the work needs is missing.
 */

import { AuthsomeError, isAuthsomeError } from "../../errors.ts";
import type { OAuthSpec } from "../../providers/schema.ts";
import {
  discoveryUrls,
  type Endpoints,
  type Metadata,
  parseMetadata,
  specEndpoints,
  withMetadata,
} from "./endpoints.ts";
import { type HttpOptions, requestJson } from "./http.ts";

function sameIssuer(a: string, b: string): boolean {
  return a.replace(/\/+$/, "") === b.replace(/\/+$/, "");
}

/** Fetches the first discovery document that answers 200; undefined when none does. */
export async function fetchMetadata(
  spec: OAuthSpec,
  provider: string,
  http: HttpOptions = {},
): Promise<Metadata | undefined> {
  const urls = discoveryUrls(spec, provider);
  const derived = spec.discovery_url === undefined;
  let lastError: AuthsomeError | undefined;
  for (const url of urls) {
    let answer;
    try {
      answer = await requestJson(url, undefined, "discovery document", http);
    } catch (error) {
      if (!isAuthsomeError(error, "network")) throw error;
      lastError = error;
      continue;
    }
    if (answer.status !== 200) continue;
    const meta = parseMetadata(answer.body);
    // RFC 8414 §3.3: the issuer in the document must be the one its URL was built from.
    if (derived && spec.base_url && meta.issuer && !sameIssuer(meta.issuer, spec.base_url)) {
      throw new AuthsomeError(
        "auth",
        `The discovery document of "${provider}" names issuer "${meta.issuer}", not "${spec.base_url}"`,
        { hint: "Check oauth.base_url in the provider definition" },
      );
    }
    return meta;
  }
  if (lastError && urls.length > 0) throw lastError;
  return undefined;
}

/** Which endpoints a piece of work cannot do without. */
export type Needed = readonly (keyof Endpoints)[];

/** The provider's endpoints, discovering only when one in `needed` is missing from the definition. */
export async function resolveEndpoints(
  spec: OAuthSpec,
  provider: string,
  needed: Needed,
  http: HttpOptions = {},
  cached?: Endpoints,
): Promise<Endpoints> {
  const own = withMetadata(specEndpoints(spec, provider), toMetadata(cached));
  if (needed.every((name) => own[name] !== undefined)) return own;
  if (discoveryUrls(spec, provider).length === 0) return own;
  return withMetadata(own, await fetchMetadata(spec, provider, http));
}

function toMetadata(endpoints: Endpoints | undefined): Metadata | undefined {
  if (!endpoints) return undefined;
  return {
    issuer: endpoints.issuer,
    authorization_endpoint: endpoints.authorization,
    token_endpoint: endpoints.token,
    device_authorization_endpoint: endpoints.device,
    revocation_endpoint: endpoints.revocation,
    registration_endpoint: endpoints.registration,
  };
}
