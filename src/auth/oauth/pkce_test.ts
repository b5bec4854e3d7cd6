import assert from "node:assert/strict";
import {
  authorizationUrl,
  challengeS256,
  constantTimeEqual,
  newState,
  newVerifier,
  parseCallback,
} from "./pkce.ts";
import { encodeBase64Url as base64Url } from "../../encoding.ts";

Deno.test("challengeS256() matches RFC 7636 Appendix B", async () => {
  assert.equal(
    await challengeS256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
    "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
  );
});

Deno.test("newVerifier() gives 43 unreserved characters from 32 octets (RFC 7636 §4.1)", () => {
  const bytes = new Uint8Array(32).fill(0xff);
  assert.equal(newVerifier(() => bytes), base64Url(bytes));
  for (let i = 0; i < 20; i++) assert.match(newVerifier(), /^[A-Za-z0-9_-]{43}$/);
  assert.notEqual(newState(), newState());
});

Deno.test("authorizationUrl() keeps the endpoint's query and replaces same-named parameters (RFC 6749 §3.1)", () => {
  const url = new URL(authorizationUrl({
    endpoint: "https://auth.example/authorize?audience=api&prompt=consent&state=theirs",
    clientId: "id 1",
    redirectUri: "http://127.0.0.1:5000/callback",
    scope: "a b",
    state: "ours",
    challenge: "c",
  }));
  const q = url.searchParams;
  assert.deepEqual(
    [q.get("audience"), q.get("prompt"), q.getAll("state"), q.get("client_id"), q.get("scope")],
    ["api", "consent", ["ours"], "id 1", "a b"],
  );
  assert.equal(q.get("response_type"), "code");
  assert.equal(q.get("code_challenge_method"), "S256");
  const noScope = new URL(authorizationUrl({
    endpoint: "https://auth.example/authorize",
    clientId: "x",
    redirectUri: "http://127.0.0.1:1/callback",
    state: "s",
    challenge: "c",
  }));
  assert.equal(noScope.searchParams.has("scope"), false);
});

Deno.test("parseCallback() believes nothing before the state matches (RFC 6749 §10.12)", () => {
  const rows: [string, ReturnType<typeof parseCallback>][] = [
    ["code=abc&state=s1", { kind: "code", code: "abc" }],
    ["code=abc&state=s2", { kind: "wrong_state" }],
    ["code=abc", { kind: "wrong_state" }],
    ["error=access_denied&state=s2", { kind: "wrong_state" }],
    ["error=access_denied&error_description=no&state=s1", {
      kind: "error",
      error: "access_denied",
      description: "no",
    }],
    ["state=s1", { kind: "invalid", reason: "no code in the redirect" }],
    ["code=&state=s1", { kind: "invalid", reason: "no code in the redirect" }],
  ];
  for (const [query, expected] of rows) {
    assert.deepEqual(parseCallback(new URLSearchParams(query), "s1"), expected, query);
  }
});

Deno.test("constantTimeEqual() compares whole strings", () => {
  assert.ok(constantTimeEqual("abc", "abc"));
  assert.ok(!constantTimeEqual("abc", "abd"));
  assert.ok(!constantTimeEqual("abc", "abcd"));
  assert.ok(!constantTimeEqual("", "a"));
});
