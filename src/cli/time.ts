/** Relative times for expiry columns: "expires in 42m", "expired 2d ago". */

function span(ms: number): string {
  const s = Math.round(Math.abs(ms) / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

/** How an expiry reads relative to `now`; "-" when there is none. */
export function describeExpiry(expiresAt: number | undefined, now: number): string {
  if (expiresAt === undefined) return "-";
  return expiresAt > now
    ? `expires in ${span(expiresAt - now)}`
    : `expired ${span(now - expiresAt)} ago`;
}
