import assert from "node:assert/strict";
import { newProxyToken, proxyAuthorized, proxyUrl, sameBytes } from "./proxy_auth.ts";

Deno.test("proxyAuthorized() accepts only the run's Basic credentials", () => {
  const token = newProxyToken();
  assert.match(token, /^[0-9a-f]{32}$/);
  const good = `Basic ${btoa(`authsome:${token}`)}`;
  assert.ok(proxyAuthorized([good], token));
  assert.ok(proxyAuthorized([`basic  ${btoa(`authsome:${token}`)}`], token));
  assert.ok(proxyAuthorized(["Bearer x", good], token));
  assert.ok(!proxyAuthorized([], token));
  assert.ok(!proxyAuthorized([`Basic ${btoa(`authsome:${token}x`)}`], token));
  assert.ok(!proxyAuthorized([`Basic ${btoa(`other:${token}`)}`], token));
  assert.ok(!proxyAuthorized(["Basic !!!"], token));
  assert.ok(!proxyAuthorized([`Bearer ${token}`], token));
});

Deno.test("proxyUrl() carries the token as the password", () => {
  assert.equal(proxyUrl("abc", 8080), "http://authsome:abc@127.0.0.1:8080");
});

Deno.test("sameBytes() compares whole byte strings", () => {
  const rows: [string, string, boolean][] = [
    ["", "", true],
    ["authsome:abc", "authsome:abc", true],
    ["authsome:abc", "authsome:abd", false],
    ["authsome:abc", "authsome:ab", false],
    ["a", "", false],
  ];
  for (const [a, b, expected] of rows) {
    const bytes = (s: string) => new TextEncoder().encode(s);
    assert.equal(sameBytes(bytes(a), bytes(b)), expected, `${a} ~ ${b}`);
  }
});
