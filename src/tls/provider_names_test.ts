import assert from "node:assert/strict";
import { compileHostRegex, parseApiUrl } from "../providers/api_url.ts";
import { namesFor, providerNames, type RouteHost } from "./provider_names.ts";

const route = (provider: string, apiUrl: string): RouteHost => ({
  provider,
  host: apiUrl.startsWith("regex:") ? compileHostRegex(apiUrl.slice(6)) : parseApiUrl(apiUrl).host,
});

Deno.test("namesFor() takes registrable domains, regex domains and IPv4 hosts", () => {
  const registrable = (host: string) =>
    host === "localhost" ? null : host.split(".").slice(-2).join(".");
  assert.deepEqual(
    namesFor([
      route("openai", "api.openai.com"),
      route("google", "regex:^[a-z0-9-]+\\.googleapis\\.com$"),
      route("mailchimp", "regex:^us[0-9]+\\.api\\.mailchimp\\.com$"),
      route("local", "localhost:8443"),
      route("lan", "127.0.0.1:8443"),
    ], registrable),
    [
      { provider: "openai", kind: "dns", name: "openai.com" },
      { provider: "google", kind: "dns", name: "googleapis.com" },
      { provider: "mailchimp", kind: "dns", name: "api.mailchimp.com" },
      { provider: "local", kind: "dns", name: "localhost" },
      { provider: "lan", kind: "ip", name: "127.0.0.1" },
    ],
  );
});

Deno.test("providerNames() uses the Public Suffix List with its private section", async () => {
  const names = await providerNames([
    route("openai", "api.openai.com"),
    route("demo", "api.demo.test"),
    route("uk", "api.example.co.uk"),
    route("app", "my-app.vercel.app"),
    route("gemini", "generativelanguage.googleapis.com"),
    route("xai", "api.x.ai"),
  ]);
  assert.deepEqual(names.map((n) => n.name), [
    "openai.com",
    "demo.test",
    "example.co.uk",
    "my-app.vercel.app",
    "generativelanguage.googleapis.com",
    "x.ai",
  ]);
});
