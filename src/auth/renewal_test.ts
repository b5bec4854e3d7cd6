import assert from "node:assert/strict";
import type { Connection } from "../vault/connections.ts";
import {
  acceptsRejection,
  connectionStatus,
  decide,
  FAILURE_MEMORY_MS,
  PROACTIVE_COOLDOWN_MS,
  REFRESH_MARGIN_MS,
  REJECTION_COOLDOWN_MS,
  type RenewalMemory,
  renewalStep,
} from "./renewal.ts";
import { oauthConnection } from "./_testing.ts";

const NOW = 1_700_000_000_000;
const soon = NOW + REFRESH_MARGIN_MS - 1;
const later = NOW + REFRESH_MARGIN_MS + 60_000;
const past = NOW - 1;

const conn = oauthConnection;

function noRefresh(extra: Partial<Connection>): Connection {
  const c = conn(extra);
  const { refresh_token: _, ...fields } = c.fields;
  return { ...c, fields };
}

Deno.test("decide(): refresh within five minutes of expiry, on a 401, or never twice", () => {
  const rows: [string, Connection, { token?: string; rejected: boolean } | undefined, string][] = [
    ["no expiry", conn(), undefined, "use"],
    ["far from expiry", conn({ expiresAt: later }), undefined, "use"],
    ["due", conn({ expiresAt: soon }), undefined, "renew"],
    ["expired", conn({ expiresAt: past }), undefined, "renew"],
    ["due, no refresh token", noRefresh({ expiresAt: soon }), undefined, "use"],
    ["expired, no refresh token", noRefresh({ expiresAt: past }), undefined, "reauth"],
    [
      "expired client credentials",
      noRefresh({ expiresAt: past, flow: "client_credentials" }),
      undefined,
      "renew",
    ],
    ["rejected", conn({ expiresAt: later }), { token: "at1", rejected: true }, "renew"],
    [
      "rejected, renewed since",
      conn({ expiresAt: later }),
      { token: "at0", rejected: true },
      "use",
    ],
    ["due, renewed since by another process", conn({ expiresAt: soon }), {
      token: "at0",
      rejected: false,
    }, "use"],
    ["expired, renewed since but expired again", conn({ expiresAt: past }), {
      token: "at0",
      rejected: false,
    }, "renew"],
    ["needs login, still valid", conn({ expiresAt: soon, needsLogin: true }), undefined, "use"],
    ["needs login, expired", conn({ expiresAt: past, needsLogin: true }), undefined, "reauth"],
    [
      "needs login, rejected",
      conn({ needsLogin: true }),
      { token: "at1", rejected: true },
      "reauth",
    ],
    ["api key", conn({ authType: "api_key", expiresAt: past }), undefined, "use"],
  ];
  for (const [what, connection, held, expected] of rows) {
    assert.equal(decide(connection, NOW, held), expected, what);
  }
});

Deno.test("renewalStep(): a process goes to the vault when due, expired or rejected, within its cooldowns", () => {
  const rows: [string, Connection, RenewalMemory, ReturnType<typeof renewalStep>][] = [
    ["no expiry", conn(), {}, { kind: "use" }],
    ["far from expiry", conn({ expiresAt: later }), {}, { kind: "use" }],
    ["due", conn({ expiresAt: soon }), {}, { kind: "renew", rejected: false }],
    ["expired", conn({ expiresAt: past }), {}, { kind: "renew", rejected: false }],
    // The vault may hold a newer token or connection: decide() there has the last word.
    ["expired, no refresh token", noRefresh({ expiresAt: past }), {}, {
      kind: "renew",
      rejected: false,
    }],
    ["due, needs login", conn({ expiresAt: soon, needsLogin: true }), {}, { kind: "use" }],
    ["expired, needs login", conn({ expiresAt: past, needsLogin: true }), {}, {
      kind: "renew",
      rejected: false,
    }],
    ["due, renewed a moment ago", conn({ expiresAt: soon }), {
      lastRenewed: NOW - PROACTIVE_COOLDOWN_MS + 1,
    }, { kind: "use" }],
    ["due, renewed a while ago", conn({ expiresAt: soon }), {
      lastRenewed: NOW - PROACTIVE_COOLDOWN_MS,
    }, { kind: "renew", rejected: false }],
    ["expired, renewed a moment ago", conn({ expiresAt: past }), { lastRenewed: NOW - 1 }, {
      kind: "renew",
      rejected: false,
    }],
    ["rejected", conn({ expiresAt: later }), { rejectedToken: "at1" }, {
      kind: "renew",
      rejected: true,
    }],
    ["rejected, renewed a moment ago", conn(), { rejectedToken: "at1", lastRenewed: NOW - 1 }, {
      kind: "renew",
      rejected: true,
    }],
    ["an older token rejected", conn({ expiresAt: later }), { rejectedToken: "at0" }, {
      kind: "use",
    }],
    ["due, failed a moment ago", conn({ expiresAt: soon }), {
      lastFailed: NOW - FAILURE_MEMORY_MS + 1,
    }, { kind: "failed" }],
    ["rejected, failed a moment ago", conn(), { rejectedToken: "at1", lastFailed: NOW - 1 }, {
      kind: "failed",
    }],
    ["due, failed a while ago", conn({ expiresAt: soon }), {
      lastFailed: NOW - FAILURE_MEMORY_MS,
    }, { kind: "renew", rejected: false }],
    ["far from expiry, failed a moment ago", conn({ expiresAt: later }), { lastFailed: NOW - 1 }, {
      kind: "use",
    }],
  ];
  for (const [what, connection, memory, expected] of rows) {
    assert.deepEqual(renewalStep(connection, NOW, memory), expected, what);
  }
});

Deno.test("acceptsRejection(): a 401 within a minute of the last one acted on is ignored", () => {
  const rows: [string, number | undefined, boolean][] = [
    ["never acted on", undefined, true],
    ["acted on just now", NOW, false],
    ["acted on almost a minute ago", NOW - REJECTION_COOLDOWN_MS + 1, false],
    ["acted on a minute ago", NOW - REJECTION_COOLDOWN_MS, true],
  ];
  for (const [what, lastForced, expected] of rows) {
    assert.equal(acceptsRejection(NOW, lastForced), expected, what);
  }
});

Deno.test("connectionStatus(): expired only when it cannot renew by itself", () => {
  const rows: [string, Connection, string][] = [
    ["no expiry", conn(), "connected"],
    ["expired with a refresh token", conn({ expiresAt: past }), "connected"],
    ["expired, no refresh token", noRefresh({ expiresAt: past }), "expired"],
    ["due, no refresh token", noRefresh({ expiresAt: soon }), "connected"],
    [
      "expired client credentials",
      noRefresh({ expiresAt: past, flow: "client_credentials" }),
      "connected",
    ],
    ["needs login", conn({ needsLogin: true }), "needs-login"],
    ["expired api key", noRefresh({ authType: "api_key", expiresAt: past }), "expired"],
  ];
  for (const [what, connection, expected] of rows) {
    assert.equal(connectionStatus(connection, NOW), expected, what);
  }
});
