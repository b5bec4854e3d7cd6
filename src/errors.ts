/**
 * The one error type of authsome. Core code throws it; only `src/cli/` turns
 * it into text, JSON and an exit code.
 */

/** What went wrong, in the terms the exit codes of the design use. */
export type ErrorCode =
  | "usage"
  | "not_found"
  | "conflict"
  | "invalid"
  | "auth"
  /** A credential asked for on a route its connection was not approved (sealed) for. */
  | "not_approved"
  | "vault"
  | "network"
  | "cancelled"
  /** This machine cannot do what was asked (no sandbox can be built here). */
  | "unsupported"
  | "internal";

/** An error with a machine-readable code, a message and a hint naming the next step. */
export class AuthsomeError extends Error {
  /** The category, mapped to an exit code by the CLI. */
  readonly code: ErrorCode;
  /** What the user can do about it, usually a command to run. */
  readonly hint?: string;

  constructor(code: ErrorCode, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = "AuthsomeError";
    this.code = code;
    this.hint = options.hint;
  }
}

/** True when `error` is an {@linkcode AuthsomeError}, optionally of one code. */
export function isAuthsomeError(error: unknown, code?: ErrorCode): error is AuthsomeError {
  return error instanceof AuthsomeError && (code === undefined || error.code === code);
}

/** What any thrown value says, in one line: its message, and an {@linkcode AuthsomeError}'s hint after it. */
export function errorText(error: unknown): string {
  if (isAuthsomeError(error) && error.hint) return `${error.message}. ${error.hint}`;
  return error instanceof Error ? error.message : String(error);
}
