import assert from "node:assert/strict";
import { AuthsomeError } from "../errors.ts";
import { homePaths } from "../home.ts";
import { compileRoutes } from "../providers/compile.ts";
import type { Route } from "../providers/matcher.ts";
import type { Provider, Registry } from "../providers/registry.ts";
import { Secret } from "../secret.ts";
import { type Connection, putConnection } from "../vault/connections.ts";
import { readVault, type Records, updateVault } from "../vault/store.ts";
import { endpointsToSeal, routesToSeal } from "./binding.ts";
import { CredentialSource } from "./credentials.ts";
import {
  FAILURE_MEMORY_MS,
  PROACTIVE_COOLDOWN_MS,
  REFRESH_MARGIN_MS,
  REJECTION_COOLDOWN_MS,
} from "./renewal.ts";
import { OAUTH_DEFINITION, testProvider } from "./_testing.ts";

const NOW = 1_700_000_000_000;

const provider = testProvider;

const KEYED = provider({
  name: "k",
  display_name: "K",
  auth_type: "api_key",
  api_url: "api.k.example",
  injection: { type: "header", name: "X-Key" },
  docs_url: "https://k.example/docs",
});

const OAUTH = provider(OAUTH_DEFINITION);

const REGISTRY: Registry = {
  providers: new Map([["k", KEYED], ["p", OAUTH]]),
  routes: [],
  broken: [],
};

function keyed(name: string, key: string): Connection {
  return {
    provider: "k",
    name,
    authType: "api_key",
    fields: { api_key: new Secret(key) },
    routes: routesToSeal(KEYED),
    createdAt: "",
    updatedAt: "",
  };
}

function oauth(extra: Partial<Connection> = {}): Connection {
  return {
    provider: "p",
    name: "default",
    authType: "oauth2",
    fields: {
      access_token: new Secret("at1"),
      refresh_token: new Secret("rt1"),
      client_id: new Secret("cid"),
    },
    routes: routesToSeal(OAUTH),
    oauthEndpoints: endpointsToSeal(OAUTH),
    createdAt: "",
    updatedAt: "",
    ...extra,
  };
}

/** Two routes of `definition`: the one its connections are sealed to, and one they are not. */
function routes(definition: Provider, host: string, other: string): [Route, Route] {
  const [sealed, unsealed] = compileRoutes({ api_url: [host, other] }, [])
    .map((spec): Route => ({
      ...spec,
      provider: definition.name,
      injections: definition.injections,
    }));
  return [sealed, unsealed];
}

/** In-memory records holding `connections`, the first of each provider its default. */
function recordsOf(...connections: Connection[]): Records {
  const records: Records = new Map();
  for (const connection of connections) putConnection(records, connection, false);
  return records;
}

/** The header value a request to `provider` gets. */
async function header(source: CredentialSource, provider: string, requested?: string) {
  return (await source.credentials(provider, requested)).credentials[0].value.reveal();
}

Deno.test("CredentialSource picks the request's connection, else the run's, else the default", async () => {
  const records = recordsOf(keyed("default", "k-default"), keyed("work", "k-work"));
  const plain = new CredentialSource(REGISTRY, records, new Map());
  assert.equal(await header(plain, "k"), "k-default");
  assert.equal(await header(plain, "k", "work"), "k-work", "X-Authsome-Connection");
  const chosen = new CredentialSource(REGISTRY, records, new Map([["k", "work"]]));
  assert.equal(await header(chosen, "k"), "k-work", "--connection k=work");
  assert.equal(await header(chosen, "k", "default"), "k-default", "the header wins");
  assert.equal((await chosen.credentials("k")).connection, "work");
  await assert.rejects(
    () => chosen.credentials("k", "home"),
    (e: AuthsomeError) => e.code === "not_found" && /No connection "home"/.test(e.message),
  );
});

Deno.test("CredentialSource refuses a --connection that names nothing, when it is built", () => {
  const records = recordsOf(keyed("default", "k-default"));
  assert.throws(
    () => new CredentialSource(REGISTRY, records, new Map([["k", "wrok"]])),
    (e: AuthsomeError) => e.code === "not_found" && /No connection "wrok"/.test(e.message),
  );
  assert.throws(
    () => new CredentialSource(REGISTRY, records, new Map([["nope", "default"]])),
    (e: AuthsomeError) => e.code === "not_found",
  );
});

Deno.test("CredentialSource gives nothing on a route its connection is not sealed to (not_approved)", async () => {
  const [sealed, unsealed] = routes(KEYED, "api.k.example", "evil.test");
  const source = new CredentialSource(REGISTRY, recordsOf(keyed("default", "k1")), new Map());
  assert.equal(
    (await source.credentials("k", undefined, sealed)).credentials[0].value.reveal(),
    "k1",
  );
  await assert.rejects(
    () => source.credentials("k", undefined, unsealed),
    (e: AuthsomeError) =>
      e.code === "not_approved" && /"k\/default" is not approved for evil\.test/.test(e.message) &&
      /authsome providers approve k/.test(e.hint ?? ""),
  );
  const unsealedRecord = recordsOf({ ...keyed("default", "k1"), routes: undefined });
  const never = new CredentialSource(REGISTRY, unsealedRecord, new Map());
  await assert.rejects(() => never.credentials("k", undefined, sealed), AuthsomeError);
});

Deno.test("CredentialSource offers no 401 hook for an API key or without refresh", async () => {
  const records = recordsOf(keyed("default", "k1"), oauth());
  const source = new CredentialSource(REGISTRY, records, new Map());
  assert.equal((await source.credentials("k")).onRejected, undefined);
  assert.equal((await source.credentials("p")).onRejected, undefined);
  assert.equal(await header(source, "p"), "Bearer at1");
});

/** A clock the test moves, a vault in a temporary home holding `connection`, and a token endpoint. */
async function refreshing(connection: Connection, answer: (n: number) => Response) {
  const dir = await Deno.makeTempDir({ prefix: "authsome-credentials-" });
  const key = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));
  const vault = { env: { AUTHSOME_MASTER_KEY: key }, paths: homePaths({ AUTHSOME_HOME: dir }) };
  await updateVault(vault, (records) => putConnection(records, connection, false));
  const clock = { now: NOW };
  const sent: URLSearchParams[] = [];
  const fetch = async (_url: string, init?: RequestInit) => {
    sent.push(new URLSearchParams(String(init?.body)));
    await new Promise((r) => setTimeout(r, 10));
    return answer(sent.length);
  };
  const { records } = await readVault(vault);
  const source = new CredentialSource(REGISTRY, records, new Map(), {
    vault,
    fetch,
    now: () => clock.now,
  });
  return {
    source,
    sent,
    clock,
    header: () => header(source, "p"),
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  };
}

/** A token response: access token `at{n}`, living `seconds`. */
function tokens(n: number, seconds = 3600): Response {
  return Response.json({
    access_token: `at${n + 1}`,
    refresh_token: `rt${n + 1}`,
    expires_in: seconds,
  });
}

Deno.test("CredentialSource refreshes a token only when it is due, once for concurrent requests", async () => {
  await using t = await refreshing(
    oauth({ expiresAt: NOW + REFRESH_MARGIN_MS + 1 }),
    (n) => tokens(n),
  );
  assert.equal(await t.header(), "Bearer at1", "not due yet");
  assert.equal(t.sent.length, 0);
  t.clock.now += 1;
  const headers = await Promise.all(Array.from({ length: 10 }, () => t.header()));
  assert.deepEqual(new Set(headers), new Set(["Bearer at2"]));
  assert.equal(t.sent.length, 1, "single-flight");
  assert.equal(t.sent[0].get("refresh_token"), "rt1");
});

Deno.test("CredentialSource does not refresh a short-lived token again within its cooldown", async () => {
  // Tokens that live a minute are always due: refreshed at most every 30 s, not per request.
  await using t = await refreshing(oauth({ expiresAt: NOW + 60_000 }), (n) => tokens(n, 60));
  assert.equal(await t.header(), "Bearer at2");
  t.clock.now += PROACTIVE_COOLDOWN_MS - 1;
  assert.equal(await t.header(), "Bearer at2");
  assert.equal(t.sent.length, 1);
  t.clock.now += 1;
  assert.equal(await t.header(), "Bearer at3");
  assert.equal(t.sent.length, 2);
});

Deno.test("CredentialSource refreshes after a 401, then ignores 401s for a minute", async () => {
  await using t = await refreshing(oauth(), (n) => tokens(n));
  const first = await t.source.credentials("p");
  first.onRejected!();
  first.onRejected!();
  assert.equal(await t.header(), "Bearer at2");
  assert.equal(t.sent.length, 1);
  (await t.source.credentials("p")).onRejected!();
  assert.equal(await t.header(), "Bearer at2", "a 401 right after a refresh is not acted on");
  t.clock.now += REJECTION_COOLDOWN_MS;
  (await t.source.credentials("p")).onRejected!();
  assert.equal(await t.header(), "Bearer at3", "a minute later it is");
  assert.equal(t.sent.length, 2);
});

Deno.test("CredentialSource remembers a refused refresh for a moment, then reads the vault again", async () => {
  await using t = await refreshing(
    oauth({ expiresAt: NOW - 1 }),
    () => Response.json({ error: "invalid_grant" }, { status: 400 }),
  );
  const first = await t.header().then(() => undefined, (e: AuthsomeError) => e);
  assert.equal(first?.code, "auth");
  assert.match(first!.message, /could not be refreshed \(invalid_grant\)/);
  t.clock.now += FAILURE_MEMORY_MS - 1;
  await assert.rejects(t.header(), (e) => e === first, "the same failure, without the vault");
  t.clock.now += 1;
  await assert.rejects(
    t.header(),
    (e: AuthsomeError) =>
      e !== first && e.code === "auth" && /has expired and needs a new login/.test(e.message),
  );
  assert.equal(t.sent.length, 1, "the refused refresh token was sent once");
});

const GIT = provider({
  name: "g",
  display_name: "G",
  auth_type: "api_key",
  api_url: "api.g.example",
  injection: { type: "header", name: "Authorization", prefix: "Bearer " },
  routes: [{
    api_url: "g.example",
    paths: ["/*/*/info/refs"],
    injection: { type: "basic", username: "x-access-token", password: "{api_key}" },
  }],
  docs_url: "https://g.example/docs",
});

Deno.test("CredentialSource sends each route's own injection, and only the sealed one", async () => {
  const registry: Registry = { providers: new Map([["g", GIT]]), routes: [], broken: [] };
  const connection: Connection = {
    provider: "g",
    name: "default",
    authType: "api_key",
    fields: { api_key: new Secret("tok") },
    routes: routesToSeal(GIT),
    createdAt: "",
    updatedAt: "",
  };
  const source = new CredentialSource(registry, recordsOf(connection), new Map());
  const [api, git] = GIT.routes.map((spec): Route => ({ ...spec, provider: "g" }));
  const sent = async (route: Route) => {
    const [credential] = (await source.credentials("g", undefined, route)).credentials;
    return `${credential.name}: ${credential.value.reveal()}`;
  };
  assert.equal(await sent(api), "Authorization: Bearer tok");
  assert.equal(await sent(git), `Authorization: Basic ${btoa("x-access-token:tok")}`);
  const rewritten: Route = {
    ...git,
    injections: [{ type: "basic", username: "evil", password: "{api_key}" }],
  };
  await assert.rejects(
    () => source.credentials("g", undefined, rewritten),
    (e: AuthsomeError) =>
      e.code === "not_approved" && /how it sends the credential/.test(e.message),
  );
});
