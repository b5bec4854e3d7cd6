import assert from "node:assert/strict";
import { authsome, tempHome } from "./helpers/cli.ts";
import {
  assertNoTokens,
  assertNoTokensInHome,
  AUTHORIZE_URL,
  followAuthorization,
  OAUTH_ENV,
  spawnAuthsome,
  writeProvider,
} from "./helpers/oauth_cli.ts";
import { startOAuthServer } from "./helpers/oauth_server.ts";

const SECRET = "test-client-secret-0123";

async function list(home: string) {
  const result = await authsome(["list", "--json"], { home, env: OAUTH_ENV });
  assert.equal(result.code, 0, result.stderr);
  const provider = JSON.parse(result.stdout).providers.find((p: { name: string }) =>
    p.name === "oauthtest"
  );
  return { text: result.stdout, connections: provider.connections };
}

Deno.test("PKCE: the test browser follows the printed URL; a wrong state is refused, the verifier checked", async () => {
  await using server = startOAuthServer({ cid: { secret: SECRET } });
  await using home = await tempHome();
  await writeProvider(home.path, server);
  const login = spawnAuthsome(
    ["login", "oauthtest", "--flow", "pkce", "--client-id", "cid", "--client-secret-stdin"],
    { home: home.path, stdin: `${SECRET}\n` },
  );
  const url = new URL((await login.waitFor(AUTHORIZE_URL))[1]);
  await login.waitFor(/Waiting for the sign-in/);
  const q = url.searchParams;
  assert.equal(q.get("audience"), "tests", "the authorization URL's own query is kept");
  assert.equal(q.get("code_challenge_method"), "S256");
  assert.match(q.get("code_challenge")!, /^[A-Za-z0-9_-]{43}$/);
  assert.match(q.get("state")!, /^[A-Za-z0-9_-]{32}$/);
  assert.equal(q.get("scope"), "read write");
  const redirect = new URL(q.get("redirect_uri")!);
  assert.equal(redirect.hostname, "127.0.0.1");
  assert.notEqual(redirect.port, "");

  // A page that calls the listener with another state is refused, and the login goes on.
  const forged = await fetch(`${redirect}?code=forged&state=wrong`);
  assert.equal(forged.status, 400);
  assert.match(await forged.text(), /state does not match/);
  await login.waitFor(/wrong state was refused; still waiting/);

  const browser = await followAuthorization(url.toString());
  assert.equal(browser.status, 200);
  assert.match(browser.page, /You can close this tab/);
  const result = await login.finish();
  assert.equal(result.code, 0, result.stderr);
  assert.match(
    result.stdout,
    /^Logged in to OAuth Test as connection "default" \(default\); scopes: read write; expires in (59m|1h)$/m,
  );
  assert.equal(server.stats.pkceVerified, 1);
  assert.deepEqual(server.stats.clientAuth, ["basic"]);

  const { connections, text } = await list(home.path);
  assert.equal(connections[0].status, "connected");
  assert.deepEqual(connections[0].scopes, ["read", "write"]);
  const inspect = await authsome(["inspect", "oauthtest"], { home: home.path, env: OAUTH_ENV });
  assert.match(inspect.stdout, /scopes=read,write/);
  assertNoTokens(server, result.stdout, result.stderr, text, inspect.stdout, inspect.stderr);
  await assertNoTokensInHome(server, home.path);
});

Deno.test("PKCE: a denial in the browser ends the login (exit 4), a silent browser times out", async () => {
  await using server = startOAuthServer({ cid: {} });
  await using home = await tempHome();
  await writeProvider(home.path, server, { token_endpoint_auth_method: "none" });
  server.settings.denyAuthorize = true;
  const denied = spawnAuthsome(["login", "oauthtest", "--flow", "pkce", "--client-id", "cid"], {
    home: home.path,
  });
  const browser = await followAuthorization((await denied.waitFor(AUTHORIZE_URL))[1]);
  assert.equal(browser.status, 400);
  assert.match(browser.page, /access_denied/);
  const result = await denied.finish();
  assert.equal(result.code, 4);
  assert.match(result.stderr, /OAuth Test refused the sign-in \(access_denied: The user said no\)/);

  const silent = await authsome(["login", "oauthtest", "--flow", "pkce", "--client-id", "cid"], {
    home: home.path,
    env: { ...OAUTH_ENV, AUTHSOME_TEST_OAUTH_SECOND_MS: "2" },
  });
  assert.equal(silent.code, 4);
  assert.match(silent.stderr, /No sign-in arrived from the browser within 1 s/);
  assert.deepEqual((await list(home.path)).connections, []);
});

Deno.test("PKCE: Ctrl-C while waiting cancels (exit 130) and stores nothing", async () => {
  await using server = startOAuthServer({ cid: {} });
  await using home = await tempHome();
  await writeProvider(home.path, server, { token_endpoint_auth_method: "none" });
  const login = spawnAuthsome(["login", "oauthtest", "--flow", "pkce", "--client-id", "cid"], {
    home: home.path,
  });
  await login.waitFor(/Waiting for the sign-in/);
  login.signal("SIGINT");
  const result = await login.finish();
  assert.equal(result.code, 130, result.stderr);
  assert.match(result.stderr, /Cancelled; nothing was stored/);
  assert.deepEqual((await list(home.path)).connections, []);
});

Deno.test("device code: pending, slow_down honoured, then approval; chosen without a terminal", async () => {
  await using server = startOAuthServer({ cid: { secret: SECRET } });
  await using home = await tempHome();
  await writeProvider(home.path, server);
  server.settings.deviceScript = [
    "authorization_pending",
    "slow_down",
    "authorization_pending",
    "approve",
  ];
  const result = await authsome([
    "login",
    "oauthtest",
    "--client-id",
    "cid",
    "--client-secret-stdin",
  ], {
    home: home.path,
    env: OAUTH_ENV,
    stdin: SECRET,
  });
  assert.equal(result.code, 0, result.stderr);
  assert.match(
    result.stderr,
    /open http:\/\/127\.0\.0\.1:\d+\/activate\nand enter the code: WDJB-MJHT/,
  );
  assert.match(
    result.stderr,
    /\(or open http:\/\/127\.0\.0\.1:\d+\/activate\?user_code=WDJB-MJHT\)/,
  );
  assert.match(result.stderr, /the code expires in 10 min/);
  const polls = server.stats.devicePolls;
  assert.equal(polls.length, 4);
  const gaps = polls.slice(1).map((t, i) => t - polls[i]);
  // interval 1 s (20 ms here); slow_down adds 5 s for every later poll (RFC 8628 §3.5).
  assert.ok(gaps[0] >= 18, `first gap ${gaps[0]}`);
  assert.ok(gaps[1] >= 115, `gap after slow_down ${gaps[1]}`);
  assert.ok(gaps[2] >= 115, `later gaps stay slow ${gaps[2]}`);
  const { connections } = await list(home.path);
  assert.equal(connections[0].status, "connected");
  assertNoTokens(server, result.stdout, result.stderr);
});

Deno.test("device code: denial and expiry end clearly with exit 4", async () => {
  await using server = startOAuthServer({ cid: {} });
  await using home = await tempHome();
  await writeProvider(home.path, server, { token_endpoint_auth_method: "none" });
  const login = (env: Record<string, string> = {}) =>
    authsome(["login", "oauthtest", "--flow", "device_code", "--client-id", "cid"], {
      home: home.path,
      env: { ...OAUTH_ENV, ...env },
    });
  server.settings.deviceScript = ["authorization_pending", "access_denied"];
  const denied = await login();
  assert.equal(denied.code, 4);
  assert.match(denied.stderr, /error: The sign-in was denied/);
  server.settings.deviceScript = ["authorization_pending", "expired_token"];
  const expired = await login();
  assert.equal(expired.code, 4);
  assert.match(expired.stderr, /The device code expired before the sign-in was approved/);
  // No answer before expires_in: the client gives up on its own, no arbitrary cap before that.
  // 25 test seconds (500 ms) at a 1-second interval leave room for several polls on a loaded machine.
  server.settings.deviceScript = ["authorization_pending"];
  server.settings.deviceExpiresIn = 25;
  const before = server.stats.devicePolls.length;
  const timedOut = await login();
  assert.equal(timedOut.code, 4);
  assert.match(timedOut.stderr, /The device code expired/);
  assert.ok(server.stats.devicePolls.length - before >= 3, "it kept polling until expires_in");
  assert.deepEqual((await list(home.path)).connections, []);
});

Deno.test("client credentials: the secret from stdin, client_secret_post, stored encrypted per provider", async () => {
  await using server = startOAuthServer({ machine: { secret: SECRET } });
  await using home = await tempHome();
  await writeProvider(home.path, server, { token_endpoint_auth_method: "client_secret_post" });
  const args = ["login", "oauthtest", "--flow", "client_credentials", "--client-id", "machine"];
  const noSecret = await authsome(args, { home: home.path, env: OAUTH_ENV });
  assert.equal(noSecret.code, 2);
  assert.match(noSecret.stderr, /needs a client secret/);
  const result = await authsome([...args, "--client-secret-stdin", "--json"], {
    home: home.path,
    env: OAUTH_ENV,
    stdin: SECRET,
  });
  assert.equal(result.code, 0, result.stderr);
  const out = JSON.parse(result.stdout);
  assert.deepEqual([out.flow, out.refresh_token, out.scopes], ["client_credentials", false, [
    "read",
    "write",
  ]]);
  assert.deepEqual(server.stats.clientAuth, ["post"]);
  // The stored client serves the next login: no --client-id, no secret on stdin.
  const again = await authsome(["login", "oauthtest", "--flow", "client_credentials", "--force"], {
    home: home.path,
    env: OAUTH_ENV,
  });
  assert.equal(again.code, 0, again.stderr);
  assert.deepEqual(server.stats.clientAuth, ["post", "post"]);
  assert.ok(!(await Deno.readTextFile(`${home.path}/vault.json`)).includes(SECRET));
  assertNoTokens(server, result.stdout, result.stderr, again.stdout, again.stderr);
});

Deno.test("DCR: discovery finds the registration endpoint; the client is registered once and reused", async () => {
  await using server = startOAuthServer();
  await using home = await tempHome();
  await writeProvider(home.path, server, {
    base_url: undefined,
    authorization_url: undefined,
    token_url: undefined,
    device_authorization_url: undefined,
    revocation_url: undefined,
    discovery_url: `${server.url}/.well-known/oauth-authorization-server`,
    token_endpoint_auth_method: "none",
    flows: undefined,
  });
  const signIn = async (extra: string[]) => {
    const login = spawnAuthsome(["login", "oauthtest", ...extra], {
      home: home.path,
      env: { DISPLAY: ":0", CI: "" },
    });
    const browser = await followAuthorization((await login.waitFor(AUTHORIZE_URL))[1]);
    assert.equal(browser.status, 200);
    return await login.finish();
  };
  const first = await signIn(["--flow", "pkce"]);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stderr, /Registered authsome with OAuth Test as OAuth client "dcr-client-1"/);
  assert.equal(server.stats.registrations, 1);
  assert.equal(server.stats.authorizeQueries[0].get("client_id"), "dcr-client-1");
  const second = await signIn(["--flow", "pkce", "--force"]);
  assert.equal(second.code, 0, second.stderr);
  assert.equal(server.stats.registrations, 1, "the registered client (and its port) is reused");
  assert.equal(server.stats.pkceVerified, 2);
  assertNoTokens(server, first.stdout, first.stderr, second.stdout, second.stderr);
});

Deno.test("DCR: a provider that declares it is discovered through RFC 8414 from base_url", async () => {
  await using server = startOAuthServer();
  await using home = await tempHome();
  await writeProvider(home.path, server, {
    authorization_url: undefined,
    token_url: undefined,
    device_authorization_url: undefined,
    revocation_url: undefined,
    dynamic_registration: true,
    token_endpoint_auth_method: "none",
    flows: ["device_code"],
  });
  const result = await authsome(["login", "oauthtest", "--json"], {
    home: home.path,
    env: OAUTH_ENV,
  });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(JSON.parse(result.stdout).flow, "device_code");
  assert.equal(server.stats.registrations, 1);
  // Refresh and logout find the discovered endpoints in the stored client: logout revokes.
  const out = await authsome(["logout", "oauthtest"], { home: home.path, env: OAUTH_ENV });
  assert.equal(out.code, 0, out.stderr);
  assert.match(out.stdout, /Revoked the tokens/);
  assert.equal(server.stats.revoked.length, 2);
  assertNoTokens(server, result.stdout, result.stderr, out.stdout, out.stderr);
});

Deno.test("login: a usable connection is kept without --force; no client id is a usage error", async () => {
  await using server = startOAuthServer({ cid: {} });
  await using home = await tempHome();
  await writeProvider(home.path, server, { token_endpoint_auth_method: "none" });
  server.settings.discovery = false; // else its registration endpoint would provide a client
  const none = await authsome(["login", "oauthtest", "--flow", "device_code"], {
    home: home.path,
    env: OAUTH_ENV,
  });
  assert.equal(none.code, 2);
  assert.match(none.stderr, /needs an OAuth client id/);
  assert.match(none.stderr, /--client-id ID/);
  const args = ["login", "oauthtest", "--flow", "device_code", "--client-id", "cid"];
  assert.equal((await authsome(args, { home: home.path, env: OAUTH_ENV })).code, 0);
  const again = await authsome(args, { home: home.path, env: OAUTH_ENV });
  assert.equal(again.code, 1);
  assert.match(again.stderr, /already has a connection "default"/);
  assert.equal(server.stats.devicePolls.length, 1, "refused before any sign-in");
  const pasted = await authsome([
    "login",
    "oauthtest",
    "--flow",
    "api_key",
    "--key-stdin",
    "-c",
    "pat",
  ], {
    home: home.path,
    env: OAUTH_ENV,
    stdin: "ghp_personal_access_token",
  });
  assert.equal(pasted.code, 0, pasted.stderr);
  const bad = await authsome(["login", "oauthtest", "--flow", "magic", "--client-id", "cid"], {
    home: home.path,
    env: OAUTH_ENV,
  });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /does not support --flow magic/);
});

Deno.test("login without a client names the app page, the callback URL to register and --flow api_key, offline", async () => {
  await using home = await tempHome();
  const github = await authsome(["login", "github"], { home: home.path, env: OAUTH_ENV });
  assert.equal(github.code, 2, github.stderr);
  assert.match(github.stderr, /^error: Provider "github" needs an OAuth client id\n/);
  assert.match(
    github.stderr,
    /Register an OAuth app at https:\/\/github\.com\/settings\/developers with the callback URL http:\/\/127\.0\.0\.1:8976\/callback,\nthen: authsome login github --client-id ID/,
  );
  assert.match(
    github.stderr,
    /Or store a token made at https:\/\/github\.com\/settings\/tokens: authsome login github --flow api_key/,
  );
  const moved = await authsome(["login", "github", "--callback-port", "9123"], {
    home: home.path,
    env: OAUTH_ENV,
  });
  assert.match(moved.stderr, /callback URL http:\/\/127\.0\.0\.1:9123\/callback/);
  // Google's definition has a discovery URL: offline, a lookup would fail with a network error (6).
  const google = await authsome(["login", "google", "--flow", "pkce"], {
    home: home.path,
    env: OAUTH_ENV,
  });
  assert.equal(google.code, 2, google.stderr);
  assert.match(
    google.stderr,
    /needs an OAuth client id\nRegister an OAuth app at https:\/\/console\.cloud\.google\.com\/apis\/credentials/,
  );
  assert.doesNotMatch(google.stderr, /discovery|--flow api_key/);
  const bad = await authsome(["login", "github", "--callback-port", "80"], {
    home: home.path,
    env: OAUTH_ENV,
  });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--callback-port takes a port from 1024 to 65535, not "80"/);
});

Deno.test("PKCE: --callback-port fixes the loopback port the redirect comes back to", async () => {
  await using server = startOAuthServer({ cid: { secret: SECRET } });
  await using home = await tempHome();
  await writeProvider(home.path, server);
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (probe.addr as Deno.NetAddr).port;
  probe.close();
  const login = spawnAuthsome(
    [
      "login",
      "oauthtest",
      "--flow",
      "pkce",
      "--client-id",
      "cid",
      "--client-secret-stdin",
      "--callback-port",
      String(port),
    ],
    { home: home.path, stdin: `${SECRET}\n` },
  );
  const url = new URL((await login.waitFor(AUTHORIZE_URL))[1]);
  assert.equal(url.searchParams.get("redirect_uri"), `http://127.0.0.1:${port}/callback`);
  assert.equal((await followAuthorization(url.toString())).status, 200);
  const result = await login.finish();
  assert.equal(result.code, 0, result.stderr);
});
