import assert from "node:assert/strict";
import { parseAuthority, sameAuthority } from "./authority.ts";

Deno.test("parseAuthority() reads host:port and bracketed IPv6", () => {
  assert.deepEqual(parseAuthority("API.openai.com:443"), { host: "api.openai.com", port: 443 });
  assert.deepEqual(parseAuthority("[::1]:8443"), { host: "::1", port: 8443 });
  assert.deepEqual(parseAuthority("a.io", 443), { host: "a.io", port: 443 });
  assert.equal(parseAuthority("a.io"), undefined);
  assert.equal(parseAuthority("a.io:0"), undefined);
  assert.equal(parseAuthority("a.io:99999"), undefined);
  assert.equal(parseAuthority("a b:1"), undefined);
  assert.equal(parseAuthority("user@a.io:1"), undefined);
});

Deno.test("sameAuthority() compares a Host header with the CONNECT target (RFC 9110 §7.2)", () => {
  const target = { host: "api.openai.com", port: 443 };
  assert.ok(sameAuthority("api.openai.com", target));
  assert.ok(sameAuthority("API.OpenAI.com:443", target));
  assert.ok(!sameAuthority("api.openai.com:8443", target));
  assert.ok(!sameAuthority("evil.com", target));
  assert.ok(!sameAuthority("", target));
});
