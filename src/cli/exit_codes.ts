/** Exit codes of the design, and the mapping from error codes to them. */

import type { ErrorCode } from "../errors.ts";

/** The documented exit codes. */
export const EXIT = {
  ok: 0,
  error: 1,
  usage: 2,
  notFound: 3,
  auth: 4,
  vault: 5,
  network: 6,
  interrupted: 130,
} as const;

/** The exit code for an error code. */
export function exitCodeFor(code: ErrorCode): number {
  switch (code) {
    case "usage":
      return EXIT.usage;
    case "not_found":
      return EXIT.notFound;
    case "auth":
    case "not_approved":
      return EXIT.auth;
    case "vault":
      return EXIT.vault;
    case "network":
      return EXIT.network;
    case "cancelled":
      return EXIT.interrupted;
    case "conflict":
    case "invalid":
    case "unsupported":
    case "internal":
      return EXIT.error;
    default: {
      const never: never = code;
      return never;
    }
  }
}
