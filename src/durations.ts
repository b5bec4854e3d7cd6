/** Durations in milliseconds, written once for every module that counts in minutes or days. */

/** One minute. */
export const MINUTE_MS = 60_000;
/** One hour. */
export const HOUR_MS = 60 * MINUTE_MS;
/** One day (24 hours; certificate validity counts in these). */
export const DAY_MS = 24 * HOUR_MS;
