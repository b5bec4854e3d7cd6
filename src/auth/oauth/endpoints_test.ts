import assert from "node:assert/strict";
import { oauthSchema } from "../../providers/schema.ts";
import {
  discoveryUrls,
  isAllowedEndpoint,
  parseMetadata,
  specEndpoints,
  withMetadata,
} from "./endpoints.ts";

Deno.test("discoveryUrls(): RFC 8414 §3.1 inserts the well-known path before the issuer's path", () => {
  assert.deepEqual(
    discoveryUrls(oauthSchema.parse({ base_url: "https://as.example/tenant/1/" }), "p"),
    [
      "https://as.example/.well-known/oauth-authorization-server/tenant/1",
      "https://as.example/tenant/1/.well-known/openid-configuration",
    ],
  );
  assert.deepEqual(discoveryUrls(oauthSchema.parse({ base_url: "https://as.example" }), "p"), [
    "https://as.example/.well-known/oauth-authorization-server",
    "https://as.example/.well-known/openid-configuration",
  ]);
  const explicit = oauthSchema.parse({
    base_url: "https://login.example/common",
    discovery_url: "{base_url}/v2.0/.well-known/openid-configuration",
  });
  assert.deepEqual(discoveryUrls(explicit, "p"), [
    "https://login.example/common/v2.0/.well-known/openid-configuration",
  ]);
  assert.deepEqual(discoveryUrls(oauthSchema.parse({}), "p"), []);
});

Deno.test("specEndpoints() fills {base_url}; a template without base_url is an error", () => {
  const spec = oauthSchema.parse({
    base_url: "https://gitlab.example/",
    token_url: "{base_url}/oauth/token",
  });
  assert.equal(specEndpoints(spec, "p").token, "https://gitlab.example/oauth/token");
  assert.throws(
    () => specEndpoints(oauthSchema.parse({ token_url: "{base_url}/t" }), "p"),
    /uses \{base_url\} but sets no base_url/,
  );
});

Deno.test("withMetadata(): the definition wins; discovery fills gaps; plain http elsewhere is dropped", () => {
  const meta = parseMetadata({
    issuer: "https://as.example",
    token_endpoint: "https://as.example/token",
    authorization_endpoint: "http://evil.example/authorize",
    registration_endpoint: "http://127.0.0.1:9/register",
    revocation_endpoint: 42,
  });
  assert.equal(meta.authorization_endpoint, undefined);
  assert.equal(meta.revocation_endpoint, undefined);
  const merged = withMetadata({ token: "https://mine.example/token" }, meta);
  assert.equal(merged.token, "https://mine.example/token");
  assert.equal(merged.registration, "http://127.0.0.1:9/register");
  assert.equal(merged.issuer, "https://as.example");
});

Deno.test("isAllowedEndpoint(): https, or http on the loopback", () => {
  const rows: [string, boolean][] = [
    ["https://a.example/t", true],
    ["http://127.0.0.1:8080/t", true],
    ["http://localhost/t", true],
    ["http://a.example/t", false],
    ["http://127.0.0.1.evil.example/t", false],
    ["ftp://a.example/t", false],
    ["not a url", false],
  ];
  for (const [url, expected] of rows) assert.equal(isAllowedEndpoint(url), expected, url);
});
