import assert from "node:assert/strict";
import {
  connectAddress,
  noProxyMatches,
  parseConnectTo,
  parseResolve,
  upstreamProxyAuthorization,
} from "./upstream_rules.ts";

Deno.test("parseResolve() and parseConnectTo() take curl's forms", () => {
  assert.deepEqual(parseResolve("api.openai.com:443:127.0.0.1"), {
    host: "api.openai.com",
    port: 443,
    address: "127.0.0.1",
  });
  assert.deepEqual(parseResolve("a.io:443:[::1]"), { host: "a.io", port: 443, address: "::1" });
  assert.deepEqual(parseConnectTo("api.openai.com:443:127.0.0.1:8443"), {
    fromHost: "api.openai.com",
    fromPort: 443,
    toHost: "127.0.0.1",
    toPort: 8443,
  });
  assert.deepEqual(parseConnectTo("::localhost:"), {
    fromHost: "",
    fromPort: undefined,
    toHost: "localhost",
    toPort: undefined,
  });
  assert.throws(() => parseResolve("api.openai.com:443"), /must be HOST:PORT:ADDRESS/);
  assert.throws(() => parseResolve("a.io:x:1.2.3.4"), /invalid port "x"/);
  assert.throws(() => parseConnectTo("a:1:b"), /must be HOST1:PORT1:HOST2:PORT2/);
});

Deno.test("connectAddress() applies --connect-to, then --resolve", () => {
  const rules = {
    connectTo: [
      parseConnectTo("api.openai.com:443:127.0.0.1:9443"),
      parseConnectTo(":8443:staging.example.com:"),
    ],
    resolve: [
      parseResolve("staging.example.com:8443:10.0.0.5"),
      parseResolve("api.stripe.com:443:127.0.0.2"),
    ],
  };
  assert.deepEqual(connectAddress("API.openai.com", 443, rules), {
    hostname: "127.0.0.1",
    port: 9443,
  });
  assert.deepEqual(connectAddress("api.openai.com", 80, rules), {
    hostname: "api.openai.com",
    port: 80,
  });
  assert.deepEqual(connectAddress("x.io", 8443, rules), { hostname: "10.0.0.5", port: 8443 });
  assert.deepEqual(connectAddress("api.stripe.com", 443, rules), {
    hostname: "127.0.0.2",
    port: 443,
  });
  assert.deepEqual(connectAddress("other.io", 443, rules), { hostname: "other.io", port: 443 });
});

Deno.test("noProxyMatches() follows curl's NO_PROXY rules", () => {
  const cases: [string | undefined, string, number, boolean][] = [
    [undefined, "a.io", 443, false],
    ["*", "a.io", 443, true],
    ["example.com", "example.com", 443, true],
    ["example.com", "api.example.com", 443, true],
    ["example.com", "badexample.com", 443, false],
    [".example.com", "api.example.com", 443, true],
    ["*.example.com", "api.example.com", 443, true],
    ["localhost, 127.0.0.1", "127.0.0.1", 8080, true],
    ["example.com:8443", "example.com", 443, false],
    ["example.com:8443", "example.com", 8443, true],
    ["[::1]", "::1", 443, true],
  ];
  for (const [noProxy, host, port, expected] of cases) {
    assert.equal(noProxyMatches(noProxy, host, port), expected, `${noProxy} ${host}:${port}`);
  }
});

Deno.test("upstreamProxyAuthorization() sends any password, Latin-1 or not, as UTF-8 Basic", () => {
  const rows: [string, string | undefined][] = [
    ["http://proxy.corp:3128", undefined],
    ["http://alice:s3cret@proxy.corp:3128", `Basic ${btoa("alice:s3cret")}`],
    // Percent-encoded in the URL, decoded before encoding (a colon in a password stays one).
    ["http://alice:a%3Ab%40c@proxy.corp:3128", `Basic ${btoa("alice:a:b@c")}`],
    ["http://j%C3%BCrgen:p%C3%A4ss@proxy.corp:3128", "Basic asO8cmdlbjpww6Rzcw=="],
    ["http://li:%E5%AF%86%E7%A0%81@proxy.corp:3128", "Basic bGk65a+G56CB"],
  ];
  for (const [url, expected] of rows) {
    assert.equal(upstreamProxyAuthorization(new URL(url)), expected, url);
  }
});
