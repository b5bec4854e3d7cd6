/**
 * The device authorization grant (RFC 8628): ask for a user code, then poll
 * the token endpoint at the interval the server sets, slowing down when told
 * to, until the user approves, denies, or the code expires. Time is passed
 * in (`sleep`, `now`, the length of a second), so tests run it fast.
 */

import { AuthsomeError, isAuthsomeError } from "../../errors.ts";
import { Secret } from "../../secret.ts";
import {
  type ClientAuth,
  describeError,
  type HttpOptions,
  oauthError,
  postForm,
  printable,
} from "./http.ts";
import { expectTokens, requestTokens, type TokenEndpoint, type TokenSet } from "./tokens.ts";

/** The device authorization response (RFC 8628 §3.2). */
export interface DeviceAuthorization {
  readonly deviceCode: Secret;
  readonly userCode: string;
  readonly verificationUri: string;
  readonly verificationUriComplete?: string;
  /** Seconds until the codes expire. */
  readonly expiresIn?: number;
  /** Seconds to wait between polls; 5 when the server gives none (§3.2). */
  readonly interval: number;
}

/** The grant type of the device access token request (RFC 8628 §3.4). */
export const DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";

function positive(value: unknown): number | undefined {
  const n = typeof value === "string" ? Number(value) : value;
  return typeof n === "number" && Number.isFinite(n) && n > 0 ? n : undefined;
}

/** An http(s) URL as the server sent it, normalised; undefined for anything else. */
function webUrl(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  try {
    const url = new URL(value);
    return url.protocol === "https:" || url.protocol === "http:" ? url.toString() : undefined;
  } catch {
    return undefined;
  }
}

/** Reads a device authorization response; undefined when a required member is missing. */
export function parseDeviceAuthorization(
  body: Readonly<Record<string, unknown>>,
): DeviceAuthorization | undefined {
  // Google names it verification_url; RFC 8628 §3.2 verification_uri.
  const uri = webUrl(body.verification_uri ?? body.verification_url);
  if (typeof body.device_code !== "string" || typeof body.user_code !== "string") return undefined;
  if (uri === undefined) return undefined;
  return {
    deviceCode: new Secret(body.device_code),
    // Shown on the terminal: no control characters from the server.
    userCode: printable(body.user_code, 64),
    verificationUri: uri,
    verificationUriComplete: webUrl(body.verification_uri_complete),
    expiresIn: positive(body.expires_in),
    interval: positive(body.interval) ?? 5,
  };
}

/** Asks the device authorization endpoint for a user code (RFC 8628 §3.1). */
export async function requestDeviceCode(
  url: string,
  client: ClientAuth,
  scope: string | undefined,
  provider: string,
  http: HttpOptions = {},
): Promise<DeviceAuthorization> {
  const answer = await postForm(url, { scope }, client, "device authorization endpoint", http);
  const error = oauthError(answer.body);
  const parsed = error ? undefined : parseDeviceAuthorization(answer.body);
  if (!parsed) {
    const why = error ? describeError(error) : `status ${answer.status} without a device_code`;
    throw new AuthsomeError("auth", `The device authorization of "${provider}" failed: ${why}`);
  }
  return parsed;
}

/** Time for the poll loop. */
export interface Clock {
  readonly now: () => number;
  /** Waits `ms`; rejects with a `cancelled` error when `signal` aborts. */
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** How long one of the server's seconds lasts here: 1000, less in tests. */
  readonly secondMs: number;
}

/** Real time. */
export const realClock: Clock = { now: Date.now, sleep: abortableSleep, secondMs: 1000 };

/** Waits `ms`, or rejects with `cancelled` when `signal` aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const cancel = () => {
      clearTimeout(timer);
      reject(new AuthsomeError("cancelled", "Cancelled; nothing was stored"));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", cancel);
      resolve();
    }, ms);
    if (signal?.aborted) cancel();
    else signal?.addEventListener("abort", cancel, { once: true });
  });
}

function ended(provider: string, what: string): AuthsomeError {
  return new AuthsomeError("auth", what, {
    hint: `Run the login again: authsome login ${provider} --flow device_code`,
  });
}

/** Polls until the user approves (tokens), denies, or the code expires (RFC 8628 §3.4, §3.5). */
export async function pollDeviceToken(
  endpoint: TokenEndpoint,
  device: DeviceAuthorization,
  requested: readonly string[],
  provider: string,
  clock: Clock = realClock,
  signal?: AbortSignal,
): Promise<TokenSet> {
  const started = clock.now();
  const deadline = device.expiresIn === undefined
    ? Infinity
    : started + device.expiresIn * clock.secondMs;
  let interval = device.interval;
  for (;;) {
    await clock.sleep(interval * clock.secondMs, signal);
    if (clock.now() >= deadline) {
      throw ended(provider, "The device code expired before the sign-in was approved");
    }
    let result;
    try {
      result = await requestTokens(
        { ...endpoint, http: { ...endpoint.http, signal } },
        { grant_type: DEVICE_GRANT, device_code: device.deviceCode.reveal() },
        requested,
      );
    } catch (error) {
      // §3.5: after a connection timeout, poll less often (exponential backoff).
      if (!isAuthsomeError(error, "network")) throw error;
      interval *= 2;
      continue;
    }
    if (result.kind === "tokens") return result.tokens;
    switch (result.error) {
      case "authorization_pending":
        continue;
      case "slow_down":
        // §3.5: the interval grows by 5 seconds for this and every later request.
        interval += 5;
        continue;
      case "access_denied":
        throw ended(provider, "The sign-in was denied");
      case "expired_token":
        throw ended(provider, "The device code expired before the sign-in was approved");
      default:
        return expectTokens(result, provider);
    }
  }
}
