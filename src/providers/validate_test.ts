import assert from "node:assert/strict";
import { jsonPath, type Problem } from "../schema_problems.ts";
import { checkProvider, checkProviderFile } from "./validate.ts";

const base = {
  name: "acme",
  display_name: "Acme",
  auth_type: "api_key",
  api_url: "api.acme.com",
  injection: { type: "header", name: "Authorization", prefix: "Bearer " },
  docs_url: "https://docs.acme.com/auth",
};

function problems(raw: unknown): Problem[] {
  const result = checkProvider(raw);
  return result.ok ? [] : [...result.problems];
}

function firstProblem(raw: unknown): string {
  const [problem] = problems(raw);
  assert.ok(problem, "expected a problem");
  return `${problem.path}: ${problem.message}`;
}

Deno.test("checkProvider() accepts every documented field", () => {
  const full = {
    ...base,
    $schema: "https://example.com/schema.json",
    description: "Acme API",
    api_url: ["api.acme.com", "https://eu.acme.com/v2", "regex:^[a-z]+\\.acme\\.io$"],
    injection: [
      { type: "header", name: "X-Key", field: "api_key" },
      { type: "header", name: "X-App", field: "app_key" },
    ],
    placeholders: ["ACME_API_KEY"],
    fields: [{
      name: "app_key",
      label: "Application key",
      secret: true,
      pattern: "^[a-f0-9]{40}$",
      hint: "h",
    }],
    api_key: { pattern: "^ak_", hint: "Keys start with ak_" },
    export: { ACME_API_KEY: "api_key", ACME_APP_KEY: "app_key" },
  };
  const result = checkProvider(full);
  assert.ok(result.ok, JSON.stringify(!result.ok && result.problems));
  assert.equal(result.provider.routes.length, 3);
  assert.equal(result.provider.injections.length, 2);
});

Deno.test("checkProvider() accepts host_url as an alias of api_url", () => {
  const { api_url: _, ...rest } = base;
  const result = checkProvider({ ...rest, host_url: "https://api.acme.com/v1" });
  assert.ok(result.ok);
  assert.equal(result.provider.routes[0].pathPrefix, "/v1");
});

Deno.test("checkProvider() accepts basic and query injection and oauth2", () => {
  const basic = {
    ...base,
    injection: { type: "basic", username: "{account}", password: "{api_key}" },
    fields: [{ name: "account", label: "Account" }],
  };
  assert.ok(checkProvider(basic).ok);
  assert.ok(
    checkProvider({ ...base, injection: { type: "basic", username: "{api_key}", password: "" } })
      .ok,
  );
  assert.ok(checkProvider({ ...base, injection: { type: "query", name: "api_key" } }).ok);
  const oauth = {
    ...base,
    auth_type: "oauth2",
    oauth: {
      base_url: "https://gitlab.com",
      token_url: "{base_url}/oauth/token",
      scopes: ["api"],
      flows: ["device_code"],
    },
    export: { TOKEN: "access_token" },
  };
  assert.ok(checkProvider(oauth).ok, JSON.stringify(problems(oauth)));
});

Deno.test("checkProvider() names unknown fields and the closest known one", () => {
  const { api_url: _, ...rest } = base;
  assert.equal(
    firstProblem({ ...rest, api_ur1: "api.acme.com" }),
    'api_ur1: unknown field "api_ur1" (did you mean "api_url"?)',
  );
  assert.equal(
    firstProblem({ ...base, injection: { type: "header", name: "X", prefx: "Bearer " } }),
    'injection.prefx: unknown field "prefx" (did you mean "prefix"?)',
  );
  assert.match(
    firstProblem({ ...base, oauth: { tokn_url: "https://x.io/t" } }),
    /oauth\.tokn_url: unknown field "tokn_url" \(did you mean "token_url"\?\)/,
  );
  assert.match(
    firstProblem({ ...base, totally_else: 1 }),
    /^totally_else: unknown field "totally_else"$/,
  );
});

Deno.test("checkProvider() rejects bad values with their JSON path", () => {
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ ...base, name: "Bad Name" }, /^name: /],

    [{ ...base, api_url: "http://api.acme.com" }, /^api_url: .*https/],
    [{ ...base, api_url: ["api.acme.com", "regex:.*acme.*"] }, /^api_url\[1\]: .*look-alike/],
    [{ ...base, host_url: "api.acme.com" }, /^host_url: use "api_url" or its alias/],
    [{ ...base, api_url: undefined }, /missing "api_url"/],
    [
      { ...base, injection: { type: "cookie", name: "x" } },
      /^injection\.type: must be one of "header", "basic", "query"$/,
    ],
    [
      { ...base, injection: { name: "x" } },
      /^injection\.type: must be one of "header", "basic", "query"$/,
    ],
    [
      { ...base, injection: [{ type: "header", name: "X" }, { type: "bearer" }] },
      /^injection\[1\]\.type: must be one of "header", "basic", "query"$/,
    ],
    [{ ...base, injection: { type: "header" } }, /^injection\.name: missing \(expected string\)$/],
    [{ ...base, injection: "header" }, /^injection: must be object or array$/],
    [{ ...base, auth_type: "password" }, /^auth_type: must be one of "api_key", "oauth2"$/],
    [{ ...base, injection: { type: "header", name: "Bad Header" } }, /^injection\.name: /],
    [
      { ...base, injection: { type: "header", name: "X", field: "secret_key" } },
      /unknown credential field "secret_key"/,
    ],
    [
      { ...base, injection: { type: "basic", username: "{user}", password: "{api_key}" } },
      /unknown credential field "user"/,
    ],
    [{ ...base, placeholders: ["not valid"] }, /^placeholders\[0\]: /],
    [{ ...base, export: { TOKEN: "refresh_token" } }, /refresh_token/],
    [{ ...base, export: { TOKEN: "api_kye" } }, /did you mean "api_key"/],
    [{ ...base, docs_url: "not a url" }, /^docs_url: /],
    [{ ...base, auth_type: "oauth2", export: {} }, /^oauth: /],
    [{ ...base, api_key: { pattern: "(" } }, /^api_key\.pattern: /],
    [{ ...base, oauth: { token_url: "http://evil.com/t" } }, /^oauth\.token_url: /],
    [{ ...base, routes: [{ paths: ["/x"] }] }, /^routes\[0\]\.api_url: missing/],
    [{ ...base, routes: [{ api_url: "http://h.acme.com" }] }, /^routes\[0\]\.api_url: .*https/],
    [
      { ...base, routes: [{ api_url: "acme.com", paths: ["/ok", "info/refs"] }] },
      /^routes\[0\]\.paths\[1\]: path "info\/refs" must start with "\/"$/,
    ],
    [
      { ...base, routes: [{ api_url: "acme.com", paths: ["/a**/x"] }] },
      /^routes\[0\]\.paths\[0\]: .*"\*\*" stands alone/,
    ],
    [{ ...base, routes: [{ api_url: "acme.com", paths: [] }] }, /^routes\[0\]\.paths: /],
    [
      {
        ...base,
        routes: [{
          api_url: "acme.com",
          injection: { type: "basic", username: "x", password: "{tok}" },
        }],
      },
      /^routes\[0\]\.injection: refers to unknown credential field "tok"/,
    ],
    [{ ...base, routes: [{ api_url: "acme.com", inject: {} }] }, /^routes\[0\]\.inject: /],
  ];
  for (const [raw, expected] of cases) {
    assert.match(firstProblem(raw), expected, JSON.stringify(raw));
  }
});

Deno.test("checkProvider() compiles routes[] after api_url, each with its paths and injection", () => {
  const basic = { type: "basic", username: "x-access-token", password: "{api_key}" };
  const result = checkProvider({
    ...base,
    routes: [
      {
        api_url: ["acme.com", "https://git.acme.com/r"],
        paths: ["/*/info/refs"],
        injection: basic,
      },
      { api_url: "up.acme.com" },
    ],
  });
  assert.ok(result.ok);
  const routes = result.provider.routes.map((r) => ({
    prefix: r.pathPrefix,
    paths: r.paths?.map((p) => p.text),
    injection: r.injections[0].type,
  }));
  assert.deepEqual(routes, [
    { prefix: "", paths: undefined, injection: "header" },
    { prefix: "", paths: ["/*/info/refs"], injection: "basic" },
    { prefix: "/r", paths: ["/*/info/refs"], injection: "basic" },
    { prefix: "", paths: undefined, injection: "header" },
  ]);
});

Deno.test("checkProvider() reports every problem, not just the first", () => {
  assert.equal(problems({ ...base, name: "Bad Name", docs_url: "x", extra: 1 }).length, 3);
});

Deno.test("jsonPath() writes keys and indexes", () => {
  assert.equal(jsonPath(["a", 2, "b"]), "a[2].b");
  assert.equal(jsonPath([]), "");
});

Deno.test("checkProvider() refuses inspect --json output with a pointer to its definition", () => {
  const result = checkProvider({
    name: "acme",
    source: "bundled",
    definition: base,
    connections: [],
  });
  assert.equal(result.ok, false);
  assert.match(
    result.ok ? "" : result.problems.map((p) => p.message).join("\n"),
    /^this is the output of "authsome inspect NAME --json", not a provider file: take its "definition"/,
  );
});

Deno.test("checkProviderFile() applies the loader's file-name rule", () => {
  const text = JSON.stringify(base);
  assert.equal(checkProviderFile(`/x/${base.name}.json`, text).ok, true);
  const other = checkProviderFile("/x/other-name.json", text);
  assert.deepEqual(other.ok ? [] : other.problems.map((p) => `${p.path}: ${p.message}`), [
    `name: "${base.name}" differs from the file name "other-name.json": the loader skips it; rename one to match`,
  ]);
});
