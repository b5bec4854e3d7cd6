import assert from "node:assert/strict";
import type { AuditEntry } from "./log.ts";
import { whyNotInjected } from "./why.ts";

const entry: AuditEntry = {
  time: "2026-12-03T00:00:00.000Z",
  run: "abc",
  method: "GET",
  host: "api.openai.com",
  path: "/v1/models",
  status: 200,
  bytes_up: 0,
  bytes_down: 0,
  duration_ms: 1,
  injected: false,
  provider: "openai",
  connection: "default",
};

Deno.test("whyNotInjected() names the reason, else the proxy's error, else what matched", () => {
  const cases: [Partial<AuditEntry>, string][] = [
    [{ reason: "ambiguous", provider: null }, "ambiguous: more than one provider matches"],
    [
      { reason: "not_approved", error: "authsome_route_not_approved" },
      "the connection is not approved for this host",
    ],
    [{ error: "authsome_connection_not_found" }, "no connection"],
    [{ error: "authsome_route_not_approved" }, "the connection is not approved for this host"],
    [{ error: "authsome_reauth_required" }, "the connection needs a new login"],
    [{ error: "authsome_refresh_failed" }, "the token refresh failed"],
    [{ error: "authsome_not_allowed" }, "no --allow rule of the run allows it"],
    [{ error: "authsome_budget_exhausted" }, "the run's --max-requests budget was used up"],
    [{ error: "authsome_upstream" }, "authsome_upstream"],
    [{ provider: null, connection: null }, "no provider's api_url matches"],
    [{}, "no credential"],
  ];
  for (const [change, why] of cases) {
    assert.equal(whyNotInjected({ ...entry, ...change }), why, JSON.stringify(change));
  }
});
