import assert from "node:assert/strict";
import {
  bundledDigest,
  bundledSource,
  digestSource,
  providerFiles,
} from "../scripts/bundle_providers.ts";
import { BUNDLED_PROVIDERS } from "../src/providers/bundled.ts";
import { describeRoute } from "../src/providers/api_url.ts";
import { loadRegistry } from "../src/providers/registry.ts";
import { checkProviderText } from "../src/providers/validate.ts";
import { ROOT } from "./helpers/cli.ts";

Deno.test("every bundled provider file validates and is named after its file", async () => {
  const files = await providerFiles();
  assert.ok(files.length >= 60, `only ${files.length} bundled providers`);
  for (const file of files) {
    const result = checkProviderText(await Deno.readTextFile(`${ROOT}providers/${file}`));
    assert.ok(result.ok, `${file}: ${JSON.stringify(!result.ok && result.problems)}`);
    assert.equal(`${result.provider.definition.name}.json`, file);
  }
});

Deno.test("src/providers/bundled.ts embeds exactly the files in providers/ (run: deno task providers)", async () => {
  const current = await Deno.readTextFile(`${ROOT}src/providers/bundled.ts`);
  assert.equal(current, bundledSource(await providerFiles()));
});

Deno.test("src/providers/bundled_digest.ts is the digest of the bundled definitions (run: deno task providers)", async () => {
  const current = await Deno.readTextFile(`${ROOT}src/providers/bundled_digest.ts`);
  assert.equal(current, digestSource(await bundledDigest(BUNDLED_PROVIDERS)));
});

Deno.test("no two bundled providers claim the same route", async () => {
  const registry = await loadRegistry(`${ROOT}does-not-exist`);
  const owners = new Map<string, string>();
  for (const route of registry.routes) {
    const key = describeRoute(route);
    const owner = owners.get(key);
    assert.ok(
      owner === undefined || owner === route.provider,
      `${key} is claimed by ${owner} and ${route.provider}`,
    );
    owners.set(key, route.provider);
  }
});

Deno.test("the providers the design names are bundled with their documented header", async () => {
  const registry = await loadRegistry(`${ROOT}does-not-exist`);
  const header = (name: string) => {
    const injection = registry.providers.get(name)?.injections[0];
    assert.ok(injection, `${name} is not bundled`);
    return injection.type === "header"
      ? `${injection.name}: ${injection.prefix ?? ""}`
      : injection.type;
  };
  assert.equal(header("openai"), "Authorization: Bearer ");
  assert.equal(header("anthropic"), "x-api-key: ");
  assert.equal(header("gemini").toLowerCase(), "x-goog-api-key: ");
  assert.equal(header("twilio"), "basic");
  assert.equal(header("serpapi"), "query");
  const ashby = registry.providers.get("ashby")?.injections[0];
  assert.deepEqual(ashby, { type: "basic", username: "{api_key}", password: "" });
  const mailgun = registry.providers.get("mailgun")?.injections[0];
  assert.equal(mailgun?.type === "basic" && mailgun.username, "api");
  for (const name of ["github", "gitlab"]) {
    assert.ok(
      registry.providers.get(name)?.definition.oauth?.device_authorization_url,
      `${name} has device code`,
    );
  }
});

/** OAuth providers whose app registration page is per organisation, so no one URL fits. */
const NO_APP_PAGE = new Set(["salesforce"]);

Deno.test("every bundled OAuth provider names its app registration page and a fixed callback port", async () => {
  const registry = await loadRegistry(`${ROOT}does-not-exist`);
  const oauth = [...registry.providers.values()].filter((p) => p.definition.oauth);
  assert.ok(oauth.length >= 10);
  for (const provider of oauth) {
    const spec = provider.definition.oauth!;
    if (!NO_APP_PAGE.has(provider.name)) {
      assert.ok(spec.app_registration_url, `${provider.name} names no app_registration_url`);
    }
    if ((spec.flows ?? ["pkce"]).includes("pkce")) {
      assert.ok(spec.redirect_port, `${provider.name} has no fixed callback port to register`);
    }
  }
});
