import assert from "node:assert/strict";
import { parseApiUrl } from "./api_url.ts";
import { compileRoutes } from "./compile.ts";
import { hostIsRouted, matchRoute, pathUnder, type Route } from "./matcher.ts";

function route(provider: string, apiUrl: string): Route {
  return {
    ...parseApiUrl(apiUrl),
    provider,
    injections: [{ type: "header", name: "Authorization" }],
  };
}

const routes: Route[] = [
  route("openai", "api.openai.com"),
  route("google", "regex:[a-z0-9-]+\\.googleapis\\.com"),
  route("gemini", "generativelanguage.googleapis.com"),
  route("example", "https://api.example.com"),
  route("example-v2", "https://api.example.com/v2"),
  route("example-v2-admin", "https://api.example.com/v2/admin"),
  route("one", "shared.example.org"),
  route("two", "shared.example.org"),
  route("rx1", "regex:a[0-9]\\.multi\\.io"),
  route("rx2", "regex:[a-z][0-9]\\.multi\\.io"),
  route("alt", "api.alt.io:8443"),
];

function winner(host: string, target: string, port = 443): string {
  const match = matchRoute(routes, host, port, target);
  switch (match.kind) {
    case "inject":
      return match.route.provider;
    case "ambiguous":
      return `ambiguous:${match.providers.join(",")}`;
    case "none":
      return "none";
  }
}

Deno.test("matchRoute() picks the provider by host, path prefix and port", () => {
  const cases: [string, string, string, number?][] = [
    ["api.openai.com", "/v1/models", "openai"],
    ["API.OPENAI.COM", "/v1/models", "openai"],
    ["api.openai.com.", "/", "openai"],
    ["api.openai.com", "/v1/models", "none", 8443],
    ["openai.com", "/", "none"],
    ["api.openai.com.evil.com", "/", "none"],
    ["evilapi.openai.com", "/", "none"],
    ["storage.googleapis.com", "/b", "google"],
    ["generativelanguage.googleapis.com", "/v1beta/models", "gemini"],
    ["googleapis.com.evil.com", "/", "none"],
    ["api.example.com", "/v1/x", "example"],
    ["api.example.com", "/v2", "example-v2"],
    ["api.example.com", "/v2/users?x=/v2/admin", "example-v2"],
    ["api.example.com", "/v2/admin/users", "example-v2-admin"],
    ["api.example.com", "/v2admin", "example"],
    ["api.example.com", "/v2?q=1", "example-v2"],
    ["shared.example.org", "/", "ambiguous:one,two"],
    ["a1.multi.io", "/", "ambiguous:rx1,rx2"],
    ["b1.multi.io", "/", "rx2"],
    ["api.alt.io", "/", "alt", 8443],
    ["api.alt.io", "/", "none", 443],
  ];
  for (const [host, target, expected, port] of cases) {
    assert.equal(winner(host, target, port ?? 443), expected, `${host}:${port ?? 443}${target}`);
  }
});

Deno.test("matchRoute() lets an exact host beat a regex whatever the path prefix", () => {
  const rs = [route("rx", "regex:[a-z]+\\.svc\\.io"), route("exact", "www.svc.io")];
  const match = matchRoute(
    [...rs, { ...route("rx-deep", "regex:[a-z]+\\.svc\\.io"), pathPrefix: "/deep" }],
    "www.svc.io",
    443,
    "/deep/x",
  );
  assert.equal(match.kind === "inject" && match.route.provider, "exact");
});

Deno.test("matchRoute() treats two routes of one provider as no ambiguity", () => {
  const rs = [route("gh", "api.github.com"), route("gh", "https://api.github.com")];
  assert.equal(matchRoute(rs, "api.github.com", 443, "/").kind, "inject");
});

/** The routes of a definition as the registry compiles them, for provider `name`. */
function routesOf(name: string, definition: Record<string, unknown>): Route[] {
  const problems: never[] = [];
  const compiled = compileRoutes(definition, problems);
  assert.deepEqual(problems, []);
  return compiled.map((spec) => ({ ...spec, provider: name }));
}

const GIT_PATHS = ["/*/*/info/refs", "/*/*/git-upload-pack", "/*/*/git-receive-pack"];
const bearer = { type: "header", name: "Authorization", prefix: "Bearer " };
const basic = { type: "basic", username: "x-access-token", password: "{access_token}" };
const gitRoutes = [
  ...routesOf("github", {
    api_url: ["api.github.com"],
    injection: bearer,
    routes: [{ api_url: "github.com", paths: GIT_PATHS, injection: basic }],
  }),
  ...routesOf("gitlab", {
    api_url: "https://gitlab.com/api",
    injection: bearer,
    routes: [{
      api_url: "gitlab.com",
      paths: ["/*/**/*/info/refs", "/*/**/*/git-upload-pack", "/*/**/*/git-receive-pack"],
      injection: { ...basic, username: "oauth2" },
    }],
  }),
];

Deno.test("matchRoute() gives path-pattern routes only their paths, with their own injection", () => {
  const cases: [string, string, string][] = [
    ["github.com", "/acme/widgets.git/info/refs?service=git-upload-pack", "basic"],
    ["github.com", "/acme/widgets/info/refs?service=git-receive-pack", "basic"],
    ["github.com", "/acme/widgets.git/git-upload-pack", "basic"],
    ["github.com", "/acme/widgets.git/git-receive-pack", "basic"],
    ["github.com", "/acme/widgets", "none"],
    ["github.com", "/acme/widgets.git", "none"],
    ["github.com", "/login", "none"],
    ["github.com", "/", "none"],
    ["github.com", "/acme/widgets/info/refs/x", "none"],
    ["github.com", "/acme/info/refs", "none"],
    ["github.com", "/a/b/c/info/refs", "none"],
    ["github.com", "/acme/widgets/blob/main/git-upload-pack", "none"],
    ["api.github.com", "/repos/acme/widgets", "header"],
    ["api.github.com", "/acme/widgets.git/info/refs", "header"],
    ["gitlab.com", "/group/sub/project.git/info/refs?service=git-upload-pack", "basic"],
    ["gitlab.com", "/group/project.git/git-receive-pack", "basic"],
    ["gitlab.com", "/project.git/info/refs", "none"],
    ["gitlab.com", "/group/project", "none"],
    ["gitlab.com", "/users/sign_in", "none"],
    ["gitlab.com", "/api/v4/projects", "header"],
    ["gitlab.com", "/api/v4/x/info/refs", "header"],
  ];
  for (const [host, target, expected] of cases) {
    const match = matchRoute(gitRoutes, host, 443, target);
    const got = match.kind === "inject" ? match.route.injections[0].type : match.kind;
    assert.equal(got, expected, `${host}${target}`);
  }
  const push = matchRoute(gitRoutes, "gitlab.com", 443, "/g/p.git/git-receive-pack");
  assert.equal(
    push.kind === "inject" && push.route.injections[0].type === "basic" &&
      push.route.injections[0].username,
    "oauth2",
  );
});

Deno.test("hostIsRouted() intercepts a host whose only routes have path patterns", () => {
  assert.ok(hostIsRouted(gitRoutes, "github.com", 443));
  assert.ok(!hostIsRouted(gitRoutes, "www.github.com", 443));
});

Deno.test("pathUnder() respects segment boundaries", () => {
  assert.ok(pathUnder("/v2", "/v2"));
  assert.ok(pathUnder("/v2/x", "/v2"));
  assert.ok(!pathUnder("/v2x", "/v2"));
  assert.ok(!pathUnder("/v", "/v2"));
  assert.ok(pathUnder("/anything", ""));
});

Deno.test("hostIsRouted() decides interception from host and port alone", () => {
  assert.ok(hostIsRouted(routes, "api.example.com", 443));
  assert.ok(hostIsRouted(routes, "x.googleapis.com", 443));
  assert.ok(!hostIsRouted(routes, "example.com", 443));
  assert.ok(!hostIsRouted(routes, "api.openai.com", 80));
});
