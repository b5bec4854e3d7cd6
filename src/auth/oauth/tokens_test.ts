import assert from "node:assert/strict";
import { Secret } from "../../secret.ts";
import { clientAuthentication, printable } from "./http.ts";
import { parseTokenResponse, requestTokens, splitScopes } from "./tokens.ts";

Deno.test("parseTokenResponse() reads RFC 6749 §5.1 responses as providers send them", () => {
  const now = 1_000_000;
  const full = parseTokenResponse(
    { access_token: "a", refresh_token: "r", expires_in: 3600, scope: "x y", token_type: "Bearer" },
    now,
  )!;
  assert.equal(full.accessToken.reveal(), "a");
  assert.equal(full.refreshToken?.reveal(), "r");
  assert.equal(full.expiresAt, now + 3_600_000);
  assert.deepEqual(full.scopes, ["x", "y"]);
  assert.equal(`${full.accessToken}`, "[redacted]");
  const rows: [Record<string, unknown>, unknown][] = [
    [{ access_token: "a", expires_in: "60" }, now + 60_000],
    [{ access_token: "a", expires_in: "soon" }, undefined],
    [{ access_token: "a", expires_in: -5 }, undefined],
    [{ access_token: "a" }, undefined],
  ];
  for (const [body, expiresAt] of rows) {
    assert.equal(parseTokenResponse(body, now)?.expiresAt, expiresAt, JSON.stringify(body));
  }
  assert.equal(parseTokenResponse({ token_type: "Bearer" }, now), undefined);
  assert.equal(parseTokenResponse({ access_token: "" }, now), undefined);
  // §5.1: without `scope`, the granted scope is the requested one.
  assert.deepEqual(parseTokenResponse({ access_token: "a" }, now, ["r"])?.scopes, ["r"]);
  assert.equal(
    parseTokenResponse({ access_token: "a", refresh_token: "" }, now)?.refreshToken,
    undefined,
  );
});

Deno.test("splitScopes() takes spaces (RFC 6749 §3.3) and Slack's commas", () => {
  assert.deepEqual(splitScopes("a b  c"), ["a", "b", "c"]);
  assert.deepEqual(splitScopes("chat:write,users:read"), ["chat:write", "users:read"]);
  assert.deepEqual(splitScopes(""), []);
});

Deno.test("clientAuthentication() follows RFC 6749 §2.3.1", () => {
  const secret = new Secret("s3cr:t é");
  const basic = clientAuthentication({
    clientId: "id:1",
    clientSecret: secret,
    method: "client_secret_basic",
  });
  assert.deepEqual(basic.params, {});
  // The id and secret are form-urlencoded before base64.
  assert.equal(atob(basic.headers.authorization.slice(6)), "id%3A1:s3cr%3At+%C3%A9");
  assert.deepEqual(
    clientAuthentication({ clientId: "id", clientSecret: secret, method: "client_secret_post" })
      .params,
    { client_id: "id", client_secret: "s3cr:t é" },
  );
  for (const method of ["none", "client_secret_basic", "client_secret_post"] as const) {
    assert.deepEqual(clientAuthentication({ clientId: "id", method }), {
      params: { client_id: "id" },
      headers: {},
    });
  }
});

Deno.test("requestTokens() reads errors in the body whatever the status (GitHub answers 200)", async () => {
  const answer = (status: number, body: unknown, type = "application/json") => () =>
    Promise.resolve(
      new Response(typeof body === "string" ? body : JSON.stringify(body), {
        status,
        headers: { "content-type": type },
      }),
    );
  const endpoint = (fetch: () => Promise<Response>) => ({
    url: "https://as.example/token",
    client: { clientId: "c", method: "none" as const },
    http: { fetch },
  });
  const github = await requestTokens(endpoint(answer(200, { error: "authorization_pending" })), {});
  assert.deepEqual(github, {
    kind: "error",
    status: 200,
    error: "authorization_pending",
    description: undefined,
  });
  const form = await requestTokens(
    endpoint(answer(200, "access_token=a&scope=x", "application/x-www-form-urlencoded")),
    {},
  );
  assert.equal(form.kind === "tokens" && form.tokens.accessToken.reveal(), "a");
  const html = await requestTokens(
    endpoint(answer(502, "<html>bad gateway</html>", "text/html")),
    {},
  );
  assert.deepEqual(html, {
    kind: "error",
    status: 502,
    error: "invalid_response",
    description: "status 502 without an access_token",
  });
  const down = requestTokens(
    endpoint(() => Promise.reject(new TypeError("connection refused"))),
    {},
  );
  await assert.rejects(down, /Cannot reach the token endpoint at as\.example: connection refused/);
});

Deno.test("printable() keeps a server's words from driving the terminal", () => {
  assert.equal(printable("bad\x1b[2Jthing\r\nx"), "bad [2Jthing  x");
  assert.equal(printable("a".repeat(400)).length, 300);
});
