/**
 * The OAuth2 renewal policy, written once: when a token is due, whether a
 * connection can renew, what the vault's copy calls for (`decide`), what
 * one process does before it goes to the vault (`renewalStep`, with its
 * cooldowns), and how a connection stands for `list`. Pure functions of a
 * connection, a clock reading and what the caller remembers; the refresh
 * itself (under the vault lock) is in `oauth/refresh.ts`.
 */

import { MINUTE_MS } from "../durations.ts";
import type { Connection } from "../vault/connections.ts";

/** A token this close to its expiry is refreshed before it is handed out. */
export const REFRESH_MARGIN_MS = 5 * MINUTE_MS;

/** After a 401-triggered refresh, further 401s are not acted on for this long (no refresh loops). */
export const REJECTION_COOLDOWN_MS = MINUTE_MS;

/** A token refreshed ahead of its expiry is not refreshed ahead again for this long, per process. */
export const PROACTIVE_COOLDOWN_MS = 30_000;

/** A refresh that ended in "log in again" is not retried for this long. */
export const FAILURE_MEMORY_MS = 5_000;

/** True when the connection can get a new token without the user: a refresh token, or client credentials. */
export function canRenew(connection: Connection): boolean {
  return connection.fields.refresh_token !== undefined || connection.flow === "client_credentials";
}

/** True when the access token has expired at `now`. */
export function isExpired(connection: Connection, now: number): boolean {
  return connection.expiresAt !== undefined && connection.expiresAt <= now;
}

/** True when the access token expires within {@linkcode REFRESH_MARGIN_MS} of `now`. */
function isDue(connection: Connection, now: number): boolean {
  return connection.expiresAt !== undefined && connection.expiresAt - now <= REFRESH_MARGIN_MS;
}

/** What to do with a connection as the vault holds it now. */
export type Decision = "use" | "renew" | "reauth";

/** The access token a caller held when it asked for a refresh, and whether the upstream rejected it. */
export interface Held {
  readonly token?: string;
  readonly rejected: boolean;
}

/**
 * Decides what to do with a connection as stored now. A token other than
 * the one the caller `held` was renewed by someone else meanwhile: it is
 * used as it is, so one refresh serves every process that found the old
 * one due (and a rotating refresh token is sent once).
 */
export function decide(connection: Connection, now: number, held?: Held): Decision {
  if (connection.authType !== "oauth2") return "use";
  const token = connection.fields.access_token?.reveal();
  const wasRejected = held?.rejected === true && held.token === token;
  const expired = isExpired(connection, now);
  if (connection.needsLogin) return expired || wasRejected ? "reauth" : "use";
  const replaced = held !== undefined && held.token !== token;
  if (replaced && !expired) return "use";
  if (!isDue(connection, now) && !wasRejected) return "use";
  if (canRenew(connection)) return "renew";
  return expired ? "reauth" : "use";
}

/** What one process remembers about one connection's renewals (times in ms since the epoch). */
export interface RenewalMemory {
  /** The access token the upstream answered 401 to, not yet renewed. */
  readonly rejectedToken?: string;
  /** When this process last renewed the connection. */
  readonly lastRenewed?: number;
  /** When a renewal last failed with "log in again". */
  readonly lastFailed?: number;
}

/** What a process does with its snapshot of a connection before handing it out. */
export type RenewalStep =
  | { readonly kind: "use" }
  | { readonly kind: "renew"; readonly rejected: boolean }
  | { readonly kind: "failed" };

/**
 * The process's step for an OAuth2 connection: use the snapshot, go to the
 * vault to renew it (`rejected` when the upstream answered 401 to it), or
 * repeat the failure of a moment ago without asking the token endpoint
 * again. An expired or rejected token always goes to the vault, where
 * {@linkcode decide} has the last word; a due one does unless it needs a
 * login or this process renewed it a moment ago (a provider whose tokens
 * live under the margin would otherwise be refreshed per request).
 */
export function renewalStep(
  connection: Connection,
  now: number,
  memory: RenewalMemory,
): RenewalStep {
  const rejected = memory.rejectedToken !== undefined &&
    memory.rejectedToken === connection.fields.access_token?.reveal();
  if (!isExpired(connection, now) && !rejected) {
    if (connection.needsLogin || !isDue(connection, now)) return { kind: "use" };
    if (within(memory.lastRenewed, now, PROACTIVE_COOLDOWN_MS)) return { kind: "use" };
  }
  if (within(memory.lastFailed, now, FAILURE_MEMORY_MS)) return { kind: "failed" };
  return { kind: "renew", rejected };
}

/** True when a 401 at `now` should make the next request renew: not within the cooldown of the last one acted on. */
export function acceptsRejection(now: number, lastForced: number | undefined): boolean {
  return !within(lastForced, now, REJECTION_COOLDOWN_MS);
}

function within(at: number | undefined, now: number, windowMs: number): boolean {
  return at !== undefined && now - at < windowMs;
}

/** How a connection stands, as `list` shows it. */
export type ConnectionStatus = "connected" | "expired" | "needs-login";

/** The status of a connection at time `now`: expired only when it cannot renew by itself. */
export function connectionStatus(connection: Connection, now: number): ConnectionStatus {
  if (connection.needsLogin) return "needs-login";
  if (isExpired(connection, now) && !canRenew(connection)) return "expired";
  return "connected";
}
