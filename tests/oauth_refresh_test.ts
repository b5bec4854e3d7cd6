import assert from "node:assert/strict";
import { parseAuditLines } from "../src/audit/log.ts";
import { type Seen, startOrigin } from "../scripts/fake_api.ts";
import { authsome, type CliResult, tempHome } from "./helpers/cli.ts";
import { client } from "./helpers/clients.ts";
import {
  API_HOST,
  assertNoTokens,
  assertNoTokensInHome,
  OAUTH_ENV,
  writeProvider,
} from "./helpers/oauth_cli.ts";
import { type OAuthServer, type ServerSettings, startOAuthServer } from "./helpers/oauth_server.ts";

const SECRET = "refresh-test-client-secret";
const curl = client("curl", "the e2e client of the refresh tests");

/** A home logged in to the test provider (device code, approved at once) and an origin for its API. */
async function loggedIn(settings: Partial<ServerSettings> = {}) {
  const server = startOAuthServer({ cid: { secret: SECRET } });
  Object.assign(server.settings, settings);
  const home = await tempHome();
  const origin = await startOrigin([API_HOST]);
  await writeProvider(home.path, server);
  const cli = (args: string[], stdin?: string) =>
    authsome(args, { home: home.path, env: OAUTH_ENV, stdin });
  const login = await cli(
    ["login", "oauthtest", "--flow", "device_code", "--client-id", "cid", "--client-secret-stdin"],
    SECRET,
  );
  assert.equal(login.code, 0, login.stderr);
  const outputs: string[] = [login.stdout, login.stderr];
  // What the origin received during each run: the child's echo has the token masked.
  const seenBy = new WeakMap<CliResult, Seen[]>();
  const run = async (script: string): Promise<CliResult> => {
    const before = origin.seen.length;
    const result = await cli([
      "run",
      ...origin.connectTo(API_HOST),
      "--upstream-ca",
      origin.caFile,
      "--",
      "sh",
      "-c",
      script,
    ]);
    outputs.push(result.stderr);
    seenBy.set(result, origin.seen.slice(before));
    return result;
  };
  return {
    server,
    home: home.path,
    origin,
    cli,
    run,
    outputs,
    /** The requests the origin received during a run. */
    seen: (result: CliResult): Seen[] => seenBy.get(result) ?? [],
    async [Symbol.asyncDispose]() {
      try {
        assertNoTokens(server, ...outputs);
        await assertNoTokensInHome(server, home.path);
      } finally {
        await origin[Symbol.asyncDispose]();
        await home[Symbol.asyncDispose]();
        await server[Symbol.asyncDispose]();
      }
    },
  };
}

const get = (path: string) => `${curl} -sS -w '\\n' https://${API_HOST}${path}`;

async function connection(t: { cli: (args: string[]) => Promise<CliResult> }) {
  const result = await t.cli(["list", "--json"]);
  const providers = JSON.parse(result.stdout).providers;
  return providers.find((p: { name: string }) => p.name === "oauthtest").connections[0];
}

function bearer(server: OAuthServer, index: number): string {
  return `Bearer ${server.stats.accessTokens[index]}`;
}

Deno.test({
  name: "refresh before expiry, with rotation: each refresh token is used once",
  ignore: !curl,
}, async () => {
  await using t = await loggedIn({ loginLifetime: 60, refreshLifetime: 60 });
  const first = await t.run(get("/v1/one"));
  assert.equal(first.code, 0, first.stderr);
  assert.equal(t.seen(first)[0].headers.authorization, bearer(t.server, 1));
  assert.equal(t.server.stats.refreshes, 1);
  // The new token expires within five minutes too: the next run refreshes with the rotated token.
  const second = await t.run(`${get("/v1/two")} && ${get("/v1/three")}`);
  assert.equal(second.code, 0, second.stderr);
  assert.deepEqual(
    t.seen(second).map((s) => s.headers.authorization),
    [bearer(t.server, 2), bearer(t.server, 2)],
  );
  assert.equal(t.server.stats.refreshes, 2);
  assert.equal(t.server.stats.reusedRefreshTokens, 0);
  const stored = await connection(t);
  assert.equal(stored.status, "connected");
  assert.ok(Date.parse(stored.expires_at) > Date.now() + 50_000);
});

Deno.test({
  name: "a refresh keeps the routes sealed at login, not hosts the definition gained since",
  ignore: !curl,
}, async () => {
  await using t = await loggedIn({ loginLifetime: 60 });
  const file = `${t.home}/providers/oauthtest.json`;
  const definition = JSON.parse(await Deno.readTextFile(file));
  const added = "added.oauthtest.dev";
  await Deno.writeTextFile(file, JSON.stringify({ ...definition, api_url: [API_HOST, added] }));
  const result = await t.run(get("/v1/one"));
  assert.equal(result.code, 0, result.stderr);
  assert.equal(t.server.stats.refreshes, 1);
  assert.equal(t.seen(result)[0].headers.authorization, bearer(t.server, 1));
  const inspect = JSON.parse((await t.cli(["inspect", "oauthtest", "--json"])).stdout);
  assert.deepEqual(inspect.connections[0].sealed_routes, [API_HOST]);
  assert.deepEqual(inspect.connections[0].unapproved_routes, [added]);
});

Deno.test({
  name: "a token endpoint rewritten after login never gets the refresh token (403 until approved)",
  ignore: !curl,
}, async () => {
  await using t = await loggedIn({ loginLifetime: 0 });
  await using attacker = startOAuthServer({ cid: { secret: SECRET } });
  const file = `${t.home}/providers/oauthtest.json`;
  const definition = JSON.parse(await Deno.readTextFile(file));
  definition.oauth.base_url = attacker.url;
  await Deno.writeTextFile(file, JSON.stringify(definition));
  const result = await t.run(`${curl} -sS -w '\\n%{http_code}' https://${API_HOST}/v1/x`);
  const [body, status] = result.stdout.split("\n").filter((line) => line !== "");
  assert.equal(status, "403", result.stderr);
  assert.equal(JSON.parse(body).error, "authsome_route_not_approved");
  assert.match(JSON.parse(body).message, /oauth\.base_url/);
  assert.equal(attacker.stats.refreshes + t.server.stats.refreshes, 0, "no refresh was sent");
  assert.equal(t.origin.seen.length, 0, "nothing went upstream");
  const approve = await t.cli(["providers", "approve", "oauthtest", "--yes"]);
  assert.equal(approve.code, 0, approve.stderr);
  assert.match(approve.stdout, /\+ oauth\.base_url http/);
});

Deno.test({
  name: "ten concurrent runs with a token due cause exactly one refresh",
  ignore: !curl,
}, async () => {
  await using t = await loggedIn({ loginLifetime: 60, refreshDelayMs: 600 });
  const results = await Promise.all(Array.from({ length: 10 }, () => t.run(get("/v1/ten"))));
  for (const result of results) assert.equal(result.code, 0, result.stderr);
  assert.equal(t.server.stats.refreshes, 1);
  assert.equal(t.server.stats.reusedRefreshTokens, 0);
  const seen = new Set(results.map((r) => t.seen(r)[0].headers.authorization));
  assert.deepEqual([...seen], [bearer(t.server, 1)]);
});

Deno.test({
  name: "a 401 from upstream makes the next request refresh, once",
  ignore: !curl,
}, async () => {
  await using t = await loggedIn();
  const result = await t.run(
    [get("/status/401"), get("/v1/after"), get("/status/401"), get("/v1/later")].join(" && "),
  );
  assert.equal(result.code, 0, result.stderr);
  const auth = t.seen(result).map((s) => s.headers.authorization);
  assert.deepEqual(auth, [
    bearer(t.server, 0),
    bearer(t.server, 1),
    bearer(t.server, 1),
    bearer(t.server, 1),
  ]);
  assert.equal(t.server.stats.refreshes, 1, "a second 401 within the cooldown refreshes no more");
  const posts = t.origin.seen.filter((s) => s.method !== "GET");
  assert.deepEqual(posts, [], "no request was replayed");
});

Deno.test({
  name:
    "an expired token whose refresh fails: 401 authsome_reauth_required, audit entry, needs-login",
  ignore: !curl,
}, async () => {
  await using t = await loggedIn({ loginLifetime: 0, refreshFails: true });
  const result = await t.run(`${curl} -sS -w '\\n%{http_code}' https://${API_HOST}/v1/x`);
  assert.equal(result.code, 0, result.stderr);
  const [body, status] = result.stdout.split("\n").filter((line) => line !== "");
  assert.equal(status, "401");
  const answer = JSON.parse(body);
  assert.equal(answer.error, "authsome_reauth_required");
  assert.match(
    answer.message,
    /could not be refreshed \(invalid_grant\)\. .*run: authsome login oauthtest$/,
  );
  assert.equal(t.origin.seen.length, 0, "nothing went upstream");
  const audit = parseAuditLines(await Deno.readTextFile(`${t.home}/audit.log`)).pop()!;
  assert.deepEqual(
    [audit.provider, audit.status, audit.error, audit.injected],
    ["oauthtest", 401, "authsome_reauth_required", false],
  );
  assert.equal((await connection(t)).status, "needs-login");
  const list = await t.cli(["list"]);
  assert.match(list.stdout, /oauthtest\s+default \*\s+oauth2\s+needs-login/);
  // Logging in again needs no --force, and the connection works again.
  t.server.settings.loginLifetime = 3600;
  const again = await t.cli(
    ["login", "oauthtest", "--flow", "device_code", "--client-id", "cid", "--client-secret-stdin"],
    SECRET,
  );
  assert.equal(again.code, 0, again.stderr);
  const ok = await t.run(get("/v1/y"));
  assert.equal(t.seen(ok)[0].headers.authorization, bearer(t.server, 1));
  t.outputs.push(list.stdout, again.stdout, again.stderr);
});

Deno.test("logout revokes the refresh and access tokens, and removes the connection even when revocation fails", async () => {
  await using t = await loggedIn();
  const out = await t.cli(["logout", "oauthtest"]);
  assert.equal(out.code, 0, out.stderr);
  assert.match(
    out.stdout,
    /Revoked the tokens of "default" at OAuth Test\nRemoved connection "default"/,
  );
  const [access, refresh] = [...t.server.issued].filter((v) => !v.startsWith("dc-"));
  assert.deepEqual(
    t.server.stats.revoked,
    [refresh, access],
    "the refresh token first (RFC 7009 §2.1)",
  );
  assert.equal(await connection(t), undefined);

  const login = await t.cli(["login", "oauthtest", "--flow", "device_code"]);
  assert.equal(login.code, 0, login.stderr);
  t.server.settings.revocationStatus = 503;
  const failed = await t.cli(["logout", "oauthtest"]);
  assert.equal(failed.code, 0, failed.stderr);
  assert.match(
    failed.stderr,
    /warning: could not revoke the refresh token: temporarily_unavailable/,
  );
  assert.match(
    failed.stdout,
    /Revocation at OAuth Test failed; the connection is removed from authsome anyway/,
  );
  assert.equal(await connection(t), undefined);
  t.outputs.push(out.stdout, out.stderr, login.stdout, login.stderr, failed.stdout, failed.stderr);
});

Deno.test("export refreshes a token about to expire before printing it", async () => {
  await using t = await loggedIn({ loginLifetime: 60, refreshLifetime: 3600 });
  const result = await t.cli(["export", "oauthtest", "--format", "json"]);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(t.server.stats.refreshes, 1);
  assert.equal(JSON.parse(result.stdout).OAUTHTEST_TOKEN, t.server.stats.accessTokens[1]);
});
