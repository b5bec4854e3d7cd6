import assert from "node:assert/strict";
import { oauthSchema } from "../../providers/schema.ts";
import { cannotGetClient, noClientError } from "./no_client.ts";

const spec = (extra: Record<string, unknown>) =>
  oauthSchema.parse({
    authorization_url: "https://idp.test/authorize",
    token_url: "https://idp.test/token",
    ...extra,
  });

Deno.test("cannotGetClient() is true only when nothing could find or register a client", () => {
  const rows: [Record<string, unknown>, "pkce" | "device_code", boolean][] = [
    [{}, "pkce", true],
    [{ discovery_url: "https://idp.test/.well-known/openid-configuration" }, "pkce", true],
    [{ registration_url: "https://idp.test/register" }, "pkce", false],
    [{ dynamic_registration: true }, "pkce", false],
    // The device endpoint is missing: discovery may still find it, and a registration endpoint.
    [{ discovery_url: "https://idp.test/.well-known/x" }, "device_code", false],
  ];
  for (const [extra, flow, expected] of rows) {
    assert.equal(cannotGetClient(spec(extra), "p", flow), expected, JSON.stringify(extra));
  }
});

Deno.test("noClientError() names the page, the callback URL and the token alternative", () => {
  const full = noClientError(
    spec({
      base_url: "https://git.example.test",
      app_registration_url: "{base_url}/-/user_settings/applications",
      personal_token_url: "{base_url}/-/user_settings/personal_access_tokens",
      redirect_port: 8976,
    }),
    "gl",
  );
  assert.equal(full.code, "usage");
  assert.equal(
    full.hint,
    "Register an OAuth app at https://git.example.test/-/user_settings/applications with the callback URL http://127.0.0.1:8976/callback,\n" +
      "then: authsome login gl --client-id ID [--client-secret-stdin]\n" +
      "Or store a token made at https://git.example.test/-/user_settings/personal_access_tokens: authsome login gl --flow api_key",
  );
  const bare = noClientError(spec({}), "p");
  assert.match(
    bare.hint!,
    /^Register an OAuth app with the callback URL http:\/\/127\.0\.0\.1:PORT\/callback \(a PORT of yours, given with --callback-port PORT\),/,
  );
  assert.match(noClientError(spec({}), "p", 9000).hint!, /http:\/\/127\.0\.0\.1:9000\/callback/);
});
