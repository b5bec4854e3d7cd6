/**
 * The attacks of issue 14 through a real `authsome run`, with raw TLS
 * through the CONNECT or curl, against origins on 127.0.0.1: what the origin
 * and the child each received.
 */

import assert from "node:assert/strict";
import { authsome, tempHome } from "./helpers/cli.ts";
import { client } from "./helpers/clients.ts";
import { type LiveProxy, liveProxy, readUntilClose, tunnelTls } from "./helpers/live_proxy.ts";
import { CANARY, e2e, MASKED } from "./helpers/run.ts";
import { startOrigin } from "../scripts/fake_api.ts";
import { rawOrigin } from "./helpers/raw_origin.ts";

const curl = client("curl", "the proxy's main client");
const enc = new TextEncoder();

async function userProvider(home: string, extra: Record<string, unknown>): Promise<void> {
  await Deno.mkdir(`${home}/providers`, { recursive: true });
  await Deno.writeTextFile(
    `${home}/providers/openai.json`,
    JSON.stringify({
      name: "openai",
      display_name: "openai",
      auth_type: "api_key",
      api_url: "api.openai.com",
      injection: { type: "header", name: "Authorization", prefix: "Bearer " },
      docs_url: "https://example.com",
      ...extra,
    }),
  );
}

/** Sends `raw` in a fresh tunnel and reads until the proxy closes. */
async function exchange(proxy: LiveProxy, raw: string): Promise<string> {
  const conn = await tunnelTls(proxy);
  try {
    await conn.write(enc.encode(raw));
    return await readUntilClose(conn);
  } finally {
    conn.close();
  }
}

/** The audit log's entries once it holds `count` (a running proxy writes them within ~50 ms). */
async function auditLines(home: string, count: number): Promise<Record<string, unknown>[]> {
  for (let waited = 0;; waited += 50) {
    const text = await Deno.readTextFile(`${home}/audit.log`).catch(() => "");
    const lines = text.trim().split("\n").filter(Boolean).map((l) => JSON.parse(l));
    if (lines.length >= count || waited >= 10_000) return lines;
    await new Promise((r) => setTimeout(r, 50));
  }
}

Deno.test("dot segments and foreign absolute-form targets are refused before the origin sees them", async () => {
  await using t = await e2e();
  await userProvider(t.home, { api_url: "https://api.openai.com/v1" });
  // The connection is sealed to the bundled route (api.openai.com, any path): the narrower
  // route is a change the user approves, as after any edit of a provider file.
  const approved = await authsome(["providers", "approve", "openai", "--yes"], { home: t.home });
  assert.equal(approved.code, 0, approved.stderr);
  await using proxy = await liveProxy(t.home, [
    ...t.origin.connectTo("api.openai.com"),
    "--upstream-ca",
    t.origin.caFile,
  ]);
  const host = "Host: api.openai.com\r\nConnection: close\r\n\r\n";
  const refused: [string, number][] = [
    ["/v1/../v2/x", 400],
    ["/v1/%2e%2e/v2/x", 400],
    ["/v1/%2E%2E/v2/x", 400],
    ["/v1/.%2e/v2/x", 400],
    ["/v1/..%2Fv2/x", 400],
    ["/v1//../../v2/x", 400],
    ["/v1/x;/../../v2/x", 400],
    ["/v1/..\\v2/x", 400],
    ["/v1/x%2F..%2F..%2Fv2/x", 400],
    ["https://evil.example/v1/x", 421],
    ["https://api.openai.com:8443/v1/x", 421],
  ];
  for (const [target, status] of refused) {
    const answer = await exchange(proxy, `GET ${target} HTTP/1.1\r\n${host}`);
    assert.match(answer, new RegExp(`^HTTP/1\\.1 ${status} `), `${target}: ${answer.slice(0, 60)}`);
    assert.ok(!answer.includes(CANARY));
  }
  assert.equal(t.origin.seen.length, 0, "no refused request reached the origin");
  const pipelined = await exchange(
    proxy,
    "GET /v1/first HTTP/1.1\r\nHost: api.openai.com\r\n\r\n" +
      `GET /v1/../v2/x HTTP/1.1\r\n${host}`,
  );
  assert.match(pipelined, /^HTTP\/1\.1 200 [^]*\}HTTP\/1\.1 400 /, "the answer keeps its place");
  assert.deepEqual(t.origin.seen.map((s) => s.path), ["/v1/first"]);
  t.origin.seen.length = 0;
  const own = await exchange(proxy, `GET https://api.openai.com/v1/models?a=1 HTTP/1.1\r\n${host}`);
  assert.match(own, /^HTTP\/1\.1 200 /);
  assert.deepEqual(
    t.origin.seen.map((seen) => [seen.path, seen.query, seen.headers.authorization]),
    [["/v1/models", "?a=1", `Bearer ${CANARY}`]],
  );
});

Deno.test("an Upgrade answered 200 keeps the connection in HTTP mode: the Host check and the audit log still apply", async () => {
  await using t = await e2e();
  await using proxy = await liveProxy(t.home, [
    ...t.origin.connectTo("api.openai.com"),
    "--upstream-ca",
    t.origin.caFile,
  ]);
  const conn = await tunnelTls(proxy);
  await conn.write(enc.encode(
    "GET /status/200 HTTP/1.1\r\nHost: api.openai.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
  ));
  const first = await readUntilClose(conn, "}");
  assert.match(first, /^HTTP\/1\.1 200 /);
  await conn.write(enc.encode("GET /second HTTP/1.1\r\nHost: evil.example\r\n\r\n"));
  const second = await readUntilClose(conn);
  conn.close();
  assert.match(second, /^HTTP\/1\.1 421 /, second.slice(0, 80));
  assert.deepEqual(t.origin.seen.map((s) => s.path), ["/status/200"]);
  const lines = await auditLines(t.home, 2);
  assert.deepEqual(lines.map((l) => [l.path, l.status]), [["/status/200", 200], ["/second", 421]]);
});

Deno.test({
  name: "a redirect keeping an injected query key, and an echo, reach the child masked",
  ignore: !curl,
}, async () => {
  await using t = await e2e();
  await userProvider(t.home, { injection: { type: "query", name: "key" } });
  // How the key is sent is sealed with the connection too: the user approves the change.
  const approved = await authsome(["providers", "approve", "openai", "--yes"], { home: t.home });
  assert.equal(approved.code, 0, approved.stderr);
  const result = await t.run([
    curl!,
    "-sS",
    "-D",
    "-",
    "-o",
    "/dev/null",
    "https://api.openai.com/redirect?key=authsome-proxy-managed&q=1",
  ]);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(t.origin.seen[0].query, `?q=1&key=${CANARY}`, "the origin got the key");
  assert.match(result.stdout, /location: \/next\?q=1&key=authsome-proxy-managed/i);
  assert.ok(!result.stdout.includes(CANARY), "the child never sees the key");
  const echo = await t.run([curl!, "-sS", "https://api.openai.com/echo?q=1"]);
  assert.equal(JSON.parse(echo.stdout).query, `?q=1&key=${MASKED}`);
  const gzip = await t.run([
    curl!,
    "-sS",
    "--compressed",
    "-o",
    "/dev/null",
    "-w",
    "%{size_download}",
    "https://api.openai.com/gzip",
  ]);
  assert.ok(Number(gzip.stdout) > 0, "a compressed body passes as it is");
});

Deno.test({
  name:
    "the bundled anthropic definition: a placeholder in Authorization: Bearer gets the key, another header is removed",
  ignore: !curl,
}, async () => {
  await using home = await tempHome();
  await using origin = await startOrigin(["api.anthropic.com"]);
  const key = CANARY.replace("sk-", "sk-ant-");
  const login = await authsome(["login", "anthropic", "--key-stdin"], {
    home: home.path,
    stdin: key,
  });
  assert.equal(login.code, 0, login.stderr);
  const result = await authsome([
    "run",
    ...origin.connectTo("api.anthropic.com"),
    "--upstream-ca",
    origin.caFile,
    "--",
    "sh",
    "-c",
    `${curl} -sS -H "Authorization: Bearer $ANTHROPIC_API_KEY" -H "X-Extra: $ANTHROPIC_API_KEY" https://api.anthropic.com/v1/messages`,
  ], { home: home.path });
  assert.equal(result.code, 0, result.stderr);
  const seen = origin.seen[0];
  assert.equal(seen.headers.authorization, `Bearer ${key}`);
  assert.equal(seen.headers["x-api-key"], key);
  assert.ok(
    !("x-extra" in seen.headers),
    "a placeholder in a header anthropic does not accept is removed",
  );
  assert.ok(
    !JSON.stringify(seen).includes("authsome-proxy-managed"),
    "no placeholder reached the origin",
  );
  assert.ok(!result.stdout.includes(key), "the echo comes back masked");
  const lines = await auditLines(home.path, 1);
  assert.deepEqual(lines[0].placeholders, { authorization: "replaced", "x-extra": "removed" });
});

Deno.test({
  name: "--deny-unmatched refuses plain http:// to any other host with the CONNECT message",
  ignore: !curl,
}, async () => {
  await using t = await e2e();
  const seen: string[] = [];
  await using plain = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (r) => {
    seen.push(r.url);
    return new Response("plain");
  });
  const connectTo = ["--connect-to", `evil.example:80:127.0.0.1:${plain.addr.port}`];
  const result = await t.run([curl!, "-sS", "-w", " %{http_code}", "http://evil.example/x"], {
    flags: [...connectTo, "--deny-unmatched"],
  });
  assert.match(
    result.stdout,
    /"authsome_denied".*evil\.example:80 matches no provider, and this run allows only providers' hosts"\}\n 403$/,
  );
  assert.deepEqual(seen, [], "the origin saw nothing");
  const allowed = await t.run([curl!, "-sS", "http://evil.example/y"], { flags: connectTo });
  assert.equal(allowed.stdout, "plain", "without the flag it is forwarded");
});

Deno.test({
  name: "a TLS name mismatch upstream is reported as TLS with its reason, not as a DNS failure",
  ignore: !curl,
}, async () => {
  await using t = await e2e(["openai", "anthropic"]);
  const result = await t.run([
    curl!,
    "-sS",
    "-w",
    " %{http_code}",
    "https://api.anthropic.com/v1/x",
  ], {
    flags: ["--connect-to", `api.anthropic.com:443:127.0.0.1:${t.origin.port}`],
  });
  assert.match(
    result.stdout,
    /TLS verification failed for api\.anthropic\.com: .*not valid for name[^]* 502$/,
  );
  assert.doesNotMatch(result.stdout, /cannot resolve/);
});

Deno.test({
  name: "a CA key that cannot be read: the child gets a 502 for the CONNECT, the run says why once",
  ignore: !curl,
}, async () => {
  await using t = await e2e();
  const first = await t.run(["true"]);
  assert.equal(first.code, 0, first.stderr);
  await Deno.writeTextFile(`${t.home}/ca/ca.key`, "not a key\n");
  const get = (path: string) =>
    `${curl} -sS -o /dev/null https://api.openai.com${path}; echo " $?"`;
  const broken = await t.run(["sh", "-c", `${get("/v1/a")}; ${get("/v1/b")}`]);
  assert.equal(broken.code, 0, broken.stderr);
  assert.match(broken.stderr, /CONNECT tunnel failed, response 502/);
  assert.deepEqual(broken.stdout.trim().split(/\s+/), ["56", "56"], "curl's exit code for both");
  const warnings = broken.stderr.match(
    /no certificate for api\.openai\.com, so the child got a 502/g,
  );
  assert.equal(warnings?.length, 1, broken.stderr);
  assert.match(
    broken.stderr,
    /The key ".*\/ca\/ca\.key" is not a usable private key\. Move ".*\/ca" aside and run the command again/,
  );
  assert.equal(t.origin.seen.length, 0, "nothing reached the origin");
  // The fix the message gives works.
  await Deno.rename(`${t.home}/ca`, `${t.home}/ca.broken`);
  const fixed = await t.run([curl!, "-sS", "https://api.openai.com/v1/c"]);
  assert.equal(fixed.code, 0, fixed.stderr);
  assert.deepEqual(t.origin.seen.map((s) => s.headers.authorization), [`Bearer ${CANARY}`]);
});

Deno.test("the upstream connection opens at CONNECT, before the child sends a request", async () => {
  await using home = await tempHome();
  const login = await authsome(["login", "openai", "--key-stdin"], {
    home: home.path,
    stdin: CANARY,
  });
  assert.equal(login.code, 0, login.stderr);
  let handshakes = 0;
  await using origin = await rawOrigin(async (conn) => {
    await conn.handshake();
    handshakes++;
  });
  await using proxy = await liveProxy(home.path, [
    "--connect-to",
    `api.openai.com:443:127.0.0.1:${origin.port}`,
    "--upstream-ca",
    origin.caFile,
  ]);
  const conn = await tunnelTls(proxy);
  await conn.handshake();
  for (let i = 0; i < 500 && handshakes === 0; i++) await new Promise((r) => setTimeout(r, 20));
  conn.close();
  assert.equal(origin.accepted(), 1, "one upstream connection for the tunnel, before any request");
  assert.equal(handshakes, 1, "its TLS handshake done in parallel with the child's");
});
