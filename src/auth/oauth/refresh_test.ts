import assert from "node:assert/strict";
import type { AuthsomeError } from "../../errors.ts";
import { homePaths } from "../../home.ts";
import { type Connection, getConnection, putConnection } from "../../vault/connections.ts";
import { readVault, updateVault } from "../../vault/store.ts";
import { CredentialSource } from "../credentials.ts";
import { endpointsToSeal, routesToSeal } from "../binding.ts";
import { compileRoutes } from "../../providers/compile.ts";
import type { Route } from "../../providers/matcher.ts";
import { OAUTH_DEFINITION, oauthConnection, testProvider } from "../_testing.ts";

const conn = oauthConnection;

const PROVIDER = testProvider(OAUTH_DEFINITION);

/** A vault in a temporary home with one connection, and a token endpoint that answers from `answer`. */
async function setup(connection: Connection, answer: () => Response | Promise<Response>) {
  const dir = await Deno.makeTempDir({ prefix: "authsome-refresh-" });
  const key = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));
  const vault = { env: { AUTHSOME_MASTER_KEY: key }, paths: homePaths({ AUTHSOME_HOME: dir }) };
  // Sealed at login with the provider's endpoints, unless the test seals others.
  const sealed = { oauthEndpoints: endpointsToSeal(PROVIDER), ...connection };
  await updateVault(vault, (records) => putConnection(records, sealed, false));
  const sent: URLSearchParams[] = [];
  const fetch = async (_url: string, init?: RequestInit) => {
    sent.push(new URLSearchParams(String(init?.body)));
    return await answer();
  };
  const { records } = await readVault(vault);
  const source = new CredentialSource(
    { providers: new Map([["p", PROVIDER]]), routes: [], broken: [] },
    records,
    new Map(),
    { vault, fetch },
  );
  const stored = async () => getConnection((await readVault(vault)).records, "p");
  return {
    source,
    sent,
    stored,
    header: async () => (await source.credentials("p")).credentials[0].value.reveal(),
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  };
}

Deno.test("CredentialSource refreshes a due token once for concurrent requests and stores it", async () => {
  let calls = 0;
  await using t = await setup(conn({ expiresAt: Date.now() + 60_000 }), async () => {
    calls++;
    await new Promise((r) => setTimeout(r, 20));
    return Response.json({ access_token: "at2", refresh_token: "rt2", expires_in: 3600 });
  });
  const headers = await Promise.all(Array.from({ length: 20 }, () => t.header()));
  assert.deepEqual(new Set(headers), new Set(["Bearer at2"]));
  assert.equal(calls, 1);
  assert.deepEqual(
    [t.sent[0].get("grant_type"), t.sent[0].get("refresh_token"), t.sent[0].get("client_id")],
    ["refresh_token", "rt1", "cid"],
  );
  const stored = await t.stored();
  assert.equal(stored.fields.refresh_token.reveal(), "rt2");
  assert.ok(stored.expiresAt! > Date.now() + 3_000_000);
});

Deno.test("CredentialSource keeps a refresh token the server does not reissue (RFC 6749 §6)", async () => {
  await using t = await setup(
    conn({ expiresAt: Date.now() + 60_000 }),
    () => Response.json({ access_token: "at2", expires_in: 3600 }),
  );
  assert.equal(await t.header(), "Bearer at2");
  assert.equal((await t.stored()).fields.refresh_token.reveal(), "rt1");
});

Deno.test("CredentialSource: a server that is down leaves a valid token in use, an expired one fails (network)", async () => {
  await using valid = await setup(
    conn({ expiresAt: Date.now() + 60_000 }),
    () => new Response("", { status: 503 }),
  );
  assert.equal(await valid.header(), "Bearer at1");
  assert.equal((await valid.stored()).needsLogin, undefined);
  await using expired = await setup(
    conn({ expiresAt: Date.now() - 1 }),
    () => Promise.reject(new TypeError("refused")),
  );
  await assert.rejects(expired.header(), (e: AuthsomeError) => e.code === "network");
});

Deno.test("CredentialSource: a refused refresh marks the connection and asks for a login", async () => {
  await using t = await setup(
    conn({ expiresAt: Date.now() - 1 }),
    () => Response.json({ error: "invalid_grant" }, { status: 400 }),
  );
  await assert.rejects(
    t.header(),
    (e: AuthsomeError) =>
      e.code === "auth" && /could not be refreshed \(invalid_grant\)/.test(e.message) &&
      e.hint === "Log in again, run: authsome login p",
  );
  assert.equal((await t.stored()).needsLogin, true);
  // Remembered for a moment: no second request to the token endpoint.
  await assert.rejects(t.header(), /could not be refreshed/);
  assert.equal(t.sent.length, 1);
});

Deno.test("CredentialSource: a 401 makes the next request refresh, once per cooldown", async () => {
  let n = 1;
  await using t = await setup(
    conn(),
    () => Response.json({ access_token: `at${++n}`, refresh_token: `rt${n}` }),
  );
  const first = await t.source.credentials("p");
  first.onRejected!();
  first.onRejected!();
  assert.equal(await t.header(), "Bearer at2");
  (await t.source.credentials("p")).onRejected!();
  assert.equal(
    await t.header(),
    "Bearer at2",
    "a second 401 right after a refresh is not acted on",
  );
  assert.equal(t.sent.length, 1);
});

Deno.test("CredentialSource: a refresh keeps the sealed routes; an unsealed route gets nothing", async () => {
  const sealed = routesToSeal(PROVIDER);
  let calls = 0;
  await using t = await setup(conn({ expiresAt: Date.now() + 60_000, routes: sealed }), () => {
    calls++;
    return Response.json({ access_token: "at2", expires_in: 3600 });
  });
  const [approved, other] = compileRoutes({ api_url: ["api.p.example", "evil.test"] }, [])
    .map((spec): Route => ({ ...spec, provider: "p", injections: PROVIDER.injections }));
  await assert.rejects(
    () => t.source.credentials("p", undefined, other),
    (error: AuthsomeError) =>
      error.code === "not_approved" && /evil\.test/.test(error.message) &&
      /authsome providers approve p/.test(error.hint ?? ""),
  );
  assert.equal(calls, 0, "a refused route does not even refresh");
  const resolved = await t.source.credentials("p", undefined, approved);
  assert.equal(resolved.credentials[0].value.reveal(), "Bearer at2");
  assert.deepEqual((await t.stored()).routes, sealed);
});

Deno.test("CredentialSource: a token endpoint other than the sealed one gets no refresh token", async () => {
  let calls = 0;
  const elsewhere = { token_url: "https://collect.attacker.test/token" };
  await using t = await setup(
    conn({ expiresAt: Date.now() - 1, oauthEndpoints: elsewhere }),
    () => {
      calls++;
      return Response.json({ access_token: "at2", expires_in: 3600 });
    },
  );
  await assert.rejects(
    () => t.header(),
    (error: AuthsomeError) =>
      error.code === "not_approved" &&
      /oauth\.token_url https:\/\/as\.p\.example/.test(error.message),
  );
  assert.equal(calls, 0);
});
