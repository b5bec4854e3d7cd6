import assert from "node:assert/strict";
import type { AuthsomeError } from "../../errors.ts";
import { Secret } from "../../secret.ts";
import type { Records } from "../../vault/store.ts";
import { getClient, type OAuthClient, putClient } from "./clients.ts";

const CLIENT: OAuthClient = {
  clientId: "cid",
  clientSecret: new Secret("shh"),
  method: "client_secret_basic",
  redirectUris: ["http://127.0.0.1:8765/callback"],
  secretExpiresAt: 1_700_000_000_000,
  endpoints: { token: "https://as.p.example/token" },
};

Deno.test("getClient() reads back what putClient() stored", () => {
  const records: Records = new Map();
  assert.equal(getClient(records, "p"), undefined);
  putClient(records, "p", CLIENT);
  const read = getClient(records, "p")!;
  assert.deepEqual({ ...read, clientSecret: read.clientSecret?.reveal() }, {
    ...CLIENT,
    clientSecret: "shh",
  });
});

Deno.test("getClient() refuses a damaged client record by name (vault)", () => {
  const rows: [unknown, RegExp][] = [
    ["cid", /not an object/],
    [{ client_secret: "shh" }, /bad "client_id"/],
    [
      { client_id: "cid", token_endpoint_auth_method: "private_key_jwt" },
      /"token_endpoint_auth_method"/,
    ],
    [{ client_id: "cid", redirect_uris: "http://x" }, /bad "redirect_uris"/],
    [{ client_id: "cid", endpoints: { token: 1 } }, /bad "endpoints"/],
  ];
  for (const [value, problem] of rows) {
    const records: Records = new Map([["client/p", value]]);
    assert.throws(
      () => getClient(records, "p"),
      (e: AuthsomeError) =>
        e.code === "vault" && e.message.startsWith('The vault record "client/p" is damaged') &&
        problem.test(e.message),
      JSON.stringify(value),
    );
  }
});
