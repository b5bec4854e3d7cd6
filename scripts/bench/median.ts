/**
 * Medians for the benchmarks: of a list of numbers, and figure by figure of
 * several runs' results, so that one slow run on a shared machine does not
 * decide a figure.
 */

/** The median of `values`, NaN for none. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  if (sorted.length === 0) return NaN;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * One result of the shape of `runs[0]` in which every number is the median of
 * the numbers at the same place in every run; a figure some runs lack is the
 * median of those that have it, and anything not a number is the first run's.
 */
export function medianResults<T>(runs: readonly T[]): T {
  return merge(runs) as T;
}

function merge(values: readonly unknown[]): unknown {
  const present = values.filter((v) => v !== undefined);
  const first = present[0];
  if (typeof first === "number") {
    return median(present.filter((v): v is number => typeof v === "number"));
  }
  if (typeof first !== "object" || first === null || Array.isArray(first)) return first;
  const keys = new Set(present.flatMap((v) => Object.keys(v as object)));
  return Object.fromEntries(
    [...keys].map((key) => [key, merge(present.map((v) => (v as Record<string, unknown>)[key]))]),
  );
}
