/**
 * The one place OAuth code talks HTTP: form posts to the token, device,
 * revocation endpoints and JSON requests to discovery and registration, with
 * client authentication (RFC 6749 §2.3.1), a timeout, and errors that name
 * the endpoint's host but never a token. `fetch` is passed in, so tests
 * bring their own.
 */

import { AuthsomeError } from "../../errors.ts";
import type { Secret } from "../../secret.ts";
import { encodeBase64Text } from "../../encoding.ts";

/** The part of `fetch` the OAuth code uses. */
export type FetchFn = (input: string, init?: RequestInit) => Promise<Response>;

/** How a request is made: which fetch, an abort signal, and a timeout. */
export interface HttpOptions {
  readonly fetch?: FetchFn;
  readonly signal?: AbortSignal;
  /** Per request; 30 s when absent. */
  readonly timeoutMs?: number;
}

/** Token endpoint authentication methods (RFC 7591 §2, RFC 6749 §2.3.1). */
export type AuthMethod = "client_secret_post" | "client_secret_basic" | "none";

/** A client as the token endpoint knows it. */
export interface ClientAuth {
  readonly clientId: string;
  readonly clientSecret?: Secret;
  readonly method: AuthMethod;
}

/** What an endpoint answered: its status and its body as an object. */
export interface Answer {
  readonly status: number;
  readonly body: Readonly<Record<string, unknown>>;
}

/** `text` without control characters: a server's words must not drive the user's terminal. */
export function printable(text: string, max = 300): string {
  // deno-lint-ignore no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, " ").slice(0, max);
}

/** The error fields of an answer (RFC 6749 §5.2), if it carries `error`. */
export function oauthError(body: Readonly<Record<string, unknown>>):
  | { readonly error: string; readonly description?: string }
  | undefined {
  if (typeof body.error !== "string") return undefined;
  const description = typeof body.error_description === "string"
    ? printable(body.error_description)
    : undefined;
  return { error: printable(body.error, 100), description };
}

/** `error (description)` for messages. */
export function describeError(error: { error: string; description?: string }): string {
  return error.description ? `${error.error}: ${error.description}` : error.error;
}

/** The form body and headers that authenticate `client` (RFC 6749 §2.3.1). */
export function clientAuthentication(
  client: ClientAuth | undefined,
): { params: Record<string, string>; headers: Record<string, string> } {
  if (!client) return { params: {}, headers: {} };
  const secret = client.clientSecret?.reveal();
  if (client.method === "client_secret_basic" && secret !== undefined) {
    // §2.3.1: id and secret are form-urlencoded before they are joined and base64-encoded.
    const pair = `${formEncode(client.clientId)}:${formEncode(secret)}`;
    return { params: {}, headers: { authorization: `Basic ${encodeBase64Text(pair)}` } };
  }
  if (client.method === "client_secret_post" && secret !== undefined) {
    return { params: { client_id: client.clientId, client_secret: secret }, headers: {} };
  }
  // A public client (or one with no secret) identifies itself with client_id alone (§3.2.1).
  return { params: { client_id: client.clientId }, headers: {} };
}

function formEncode(text: string): string {
  return new URLSearchParams({ x: text }).toString().slice(2);
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function parseBody(text: string, type: string): Record<string, unknown> | undefined {
  if (/application\/x-www-form-urlencoded/i.test(type)) {
    return Object.fromEntries(new URLSearchParams(text));
  }
  try {
    const value = JSON.parse(text);
    return value && typeof value === "object" && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

async function send(url: string, init: RequestInit, what: string, http: HttpOptions) {
  const timeout = AbortSignal.timeout(http.timeoutMs ?? 30_000);
  const signal = http.signal ? AbortSignal.any([http.signal, timeout]) : timeout;
  const doFetch = http.fetch ?? fetch;
  let response: Response;
  try {
    // Never follow a redirect with credentials in the body or headers.
    response = await doFetch(url, { ...init, signal, redirect: "manual" });
  } catch (error) {
    if (http.signal?.aborted) {
      throw new AuthsomeError("cancelled", "Cancelled; nothing was stored", { cause: error });
    }
    const why = timeout.aborted ? "no answer in time" : (error as Error).message;
    throw new AuthsomeError("network", `Cannot reach the ${what} at ${hostOf(url)}: ${why}`, {
      hint: "Check the network, or the provider's endpoint URL",
      cause: error,
    });
  }
  const text = await response.text();
  // An empty or non-JSON body (RFC 7009 §2.2 allows an empty 200) reads as {}: callers check members.
  const body = parseBody(text, response.headers.get("content-type") ?? "") ?? {};
  return { status: response.status, body };
}

/** POSTs form `params` to `url`, authenticated as `client`; any status comes back as an answer. */
export function postForm(
  url: string,
  params: Readonly<Record<string, string | undefined>>,
  client: ClientAuth | undefined,
  what: string,
  http: HttpOptions = {},
): Promise<Answer> {
  const auth = clientAuthentication(client);
  const form = new URLSearchParams();
  for (const [name, value] of Object.entries({ ...params, ...auth.params })) {
    if (value !== undefined) form.set(name, value);
  }
  return send(
    url,
    {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        // GitHub answers form-encoded unless asked for JSON.
        accept: "application/json",
        ...auth.headers,
      },
      body: form.toString(),
    },
    what,
    http,
  );
}

/** Sends a JSON request (GET when `body` is undefined) and returns the answer. */
export function requestJson(
  url: string,
  body: unknown,
  what: string,
  http: HttpOptions = {},
): Promise<Answer> {
  return send(
    url,
    {
      method: body === undefined ? "GET" : "POST",
      headers: {
        accept: "application/json",
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    },
    what,
    http,
  );
}
