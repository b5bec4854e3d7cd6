/**
 * Checks of the JSON records authsome reads back from its vault, so that a
 * record of the wrong shape is refused by name instead of half-read. Small
 * combinators, not zod: the vault is read on every `run`, which starts
 * without loading zod (docs/BENCHMARKS.md). Unknown keys are accepted, so a
 * record written by a newer release still reads.
 */

import { AuthsomeError } from "../errors.ts";

/** True when a value has the expected shape. */
export type Check = (value: unknown) => boolean;

/** A string. */
export function isString(v: unknown): v is string {
  return typeof v === "string";
}

/** A boolean. */
export function isBoolean(v: unknown): v is boolean {
  return typeof v === "boolean";
}

/** One of `values`. */
export const oneOf = (values: readonly unknown[]): Check => (v) => values.includes(v);

/** Absent, or passing `check`. */
export const optional = (check: Check): Check => (v) => v === undefined || check(v);

/** An array whose items pass `check`. */
export const arrayOf = (check: Check): Check => (v) => Array.isArray(v) && v.every(check);

/** A plain object (not null, not an array). */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** An object whose values all pass `check`. */
export const recordOf = (check: Check): Check => (v) =>
  isObject(v) && Object.values(v).every(check);

/** An object whose listed keys pass their checks. */
export const shape = (fields: Readonly<Record<string, Check>>): Check => (v) =>
  isObject(v) && Object.entries(fields).every(([key, check]) => check(v[key]));

/** What is wrong with `value` against `fields`: "not an object", the bad keys, or undefined. */
export function shapeProblem(
  value: unknown,
  fields: Readonly<Record<string, Check>>,
): string | undefined {
  if (!isObject(value)) return "not an object";
  const bad = Object.keys(fields).filter((key) => !fields[key](value[key]));
  return bad.length > 0 ? `bad ${bad.map((key) => `"${key}"`).join(", ")}` : undefined;
}

/** The `vault` error for a record that is not what authsome writes. */
export function damagedRecord(record: string, problem: string, hint: string): AuthsomeError {
  return new AuthsomeError("vault", `The vault record "${record}" is damaged: ${problem}`, {
    hint,
  });
}
