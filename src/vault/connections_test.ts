import assert from "node:assert/strict";
import type { AuthsomeError } from "../errors.ts";
import { Secret } from "../secret.ts";
import {
  type Connection,
  getConnection,
  listConnections,
  putConnection,
  recordName,
  replaceConnection,
} from "./connections.ts";
import type { Records } from "./store.ts";

const FULL: Connection = {
  provider: "p",
  name: "work",
  authType: "oauth2",
  fields: { access_token: new Secret("at"), refresh_token: new Secret("rt") },
  expiresAt: 1_700_000_000_000,
  scopes: ["read"],
  needsLogin: true,
  flow: "pkce",
  routes: [{
    host: "api.p.example",
    port: 443,
    pathPrefix: "/v1",
    injections: [{ type: "header", name: "Authorization", prefix: "Bearer " }],
  }],
  oauthEndpoints: { token_url: "https://as.p.example/token" },
  createdAt: "2026-01-01T00:00:00.000Z",
  updatedAt: "2026-01-02T00:00:00.000Z",
};

/** The record `putConnection` writes for FULL, as plain JSON. */
function stored(): Record<string, unknown> {
  const records: Records = new Map();
  putConnection(records, FULL, false);
  return JSON.parse(JSON.stringify(records.get(recordName("p", "work"))));
}

function reveal(connection: Connection) {
  return {
    ...connection,
    fields: Object.fromEntries(
      Object.entries(connection.fields).map(([k, v]) => [k, v.reveal()]),
    ),
  };
}

Deno.test("a connection record reads back as it was written", () => {
  const records: Records = new Map([[recordName("p", "work"), stored()]]);
  assert.deepEqual(reveal(getConnection(records, "p", "work")), reveal(FULL));
  const minimal: Record<string, unknown> = { ...stored(), extra: "from a newer release" };
  for (const key of ["expires_at", "scopes", "needs_login", "flow", "routes", "oauth_endpoints"]) {
    delete minimal[key];
  }
  records.set(recordName("p", "work"), minimal);
  assert.equal(
    getConnection(records, "p", "work").routes,
    undefined,
    "optional fields may be absent",
  );
});

Deno.test("a connection is read once per record, and again once the record is replaced", () => {
  const records: Records = new Map([[recordName("p", "work"), stored()]]);
  const first = getConnection(records, "p", "work");
  assert.equal(
    getConnection(records, "p", "work"),
    first,
    "the same record reads as the same object",
  );
  replaceConnection(records, { ...first, fields: { access_token: new Secret("renewed") } });
  const second = getConnection(records, "p", "work");
  assert.notEqual(second, first);
  assert.equal(second.fields.access_token.reveal(), "renewed");
  assert.equal(first.fields.access_token.reveal(), "at", "what was read before is left as it was");
});

Deno.test("a damaged connection record is a vault error that names it", () => {
  const rows: [string, unknown, RegExp][] = [
    ["not an object", "sk-123", /is damaged: not an object/],
    ["an array", [], /is damaged: not an object/],
    ["auth type", { ...stored(), auth_type: "basic" }, /bad "auth_type"/],
    ["a field that is not a string", { ...stored(), fields: { api_key: 42 } }, /bad "fields"/],
    ["no fields", { ...stored(), fields: undefined }, /bad "fields"/],
    ["expiry", { ...stored(), expires_at: "soon" }, /bad "expires_at"/],
    ["scopes", { ...stored(), scopes: "read" }, /bad "scopes"/],
    ["needs login", { ...stored(), needs_login: "yes" }, /bad "needs_login"/],
    ["flow", { ...stored(), flow: "implicit" }, /bad "flow"/],
    ["route port", {
      ...stored(),
      routes: [{ host: "h", port: "443", path_prefix: "", injection: [] }],
    }, /bad "routes"/],
    ["route injection", {
      ...stored(),
      routes: [{ host: "h", port: 443, path_prefix: "", injection: [{ name: "X" }] }],
    }, /bad "routes"/],
    ["endpoints", { ...stored(), oauth_endpoints: { token_url: 1 } }, /bad "oauth_endpoints"/],
    [
      "two at once",
      { ...stored(), created_at: 1, updated_at: null },
      /bad "created_at", "updated_at"/,
    ],
    [
      "another connection's",
      { ...stored(), name: "home" },
      /its provider and name say "connection\/p\/home"/,
    ],
  ];
  for (const [what, value, message] of rows) {
    const records: Records = new Map([[recordName("p", "work"), value]]);
    const damaged = (e: AuthsomeError) =>
      e.code === "vault" &&
      e.message.startsWith('The vault record "connection/p/work" is damaged') &&
      message.test(e.message) && /--force/.test(e.hint ?? "");
    assert.throws(() => getConnection(records, "p", "work"), damaged, what);
    assert.throws(() => listConnections(records), damaged, what);
  }
});

Deno.test("a damaged connection record can be replaced with --force", () => {
  const records: Records = new Map([[recordName("p", "work"), { fields: 1 }]]);
  assert.throws(() => getConnection(records, "p", "work"), /is damaged/);
  putConnection(records, FULL, true);
  assert.equal(getConnection(records, "p", "work").fields.access_token.reveal(), "at");
});

Deno.test("a damaged defaults record is a vault error that names it", () => {
  for (const value of ["p", { p: 1 }, [["p", "work"]]]) {
    const records: Records = new Map<string, unknown>([["defaults", value]]);
    assert.throws(
      () => getConnection(records, "p"),
      (e: AuthsomeError) => e.code === "vault" && /record "defaults" is damaged/.test(e.message),
      JSON.stringify(value),
    );
  }
});
