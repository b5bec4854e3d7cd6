/** Why an audited request went out without a credential, in the words `log` and `run --verbose` print. */

import type { AuditEntry, NotInjected } from "./log.ts";

const WHY: Readonly<Record<NotInjected, string>> = {
  ambiguous: "ambiguous: more than one provider matches",
  no_connection: "no connection",
  not_approved: "the connection is not approved for this host",
};

/** Why `e` went out without a credential, from its reason or the proxy's error code. */
export function whyNotInjected(e: AuditEntry): string {
  if (e.reason) return WHY[e.reason];
  switch (e.error) {
    case "authsome_connection_not_found":
      return WHY.no_connection;
    case "authsome_reauth_required":
      return "the connection needs a new login";
    case "authsome_refresh_failed":
      return "the token refresh failed";
    case "authsome_route_not_approved":
      return WHY.not_approved;
    case "authsome_not_allowed":
      return "no --allow rule of the run allows it";
    case "authsome_budget_exhausted":
      return "the run's --max-requests budget was used up";
    case undefined:
      return e.provider === null ? "no provider's api_url matches" : "no credential";
    default:
      return e.error;
  }
}
