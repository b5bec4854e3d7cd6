import assert from "node:assert/strict";
import { compileRoutes, injectionsOf } from "../providers/compile.ts";
import type { Provider, Registry } from "../providers/registry.ts";
import type { ProviderFile } from "../providers/schema.ts";
import { Secret } from "../secret.ts";
import { type Connection, getConnection, putConnection } from "../vault/connections.ts";
import type { Records } from "../vault/store.ts";
import {
  hasUnsealed,
  isSealedFor,
  routeChange,
  routeChanges,
  routesToSeal,
  sealProvider,
  sealUnsealed,
} from "./binding.ts";

const BEARER = { type: "header", name: "Authorization", prefix: "Bearer " };

function provider(apiUrl: string[], extra: Partial<ProviderFile> = {}): Provider {
  const definition = {
    name: "acme",
    auth_type: "api_key",
    api_url: apiUrl,
    injection: BEARER,
    routes: [],
    ...extra,
  } as unknown as ProviderFile;
  const problems: never[] = [];
  return {
    name: "acme",
    definition,
    routes: compileRoutes(definition, problems),
    injections: injectionsOf(definition),
    source: { kind: "bundled" },
  };
}

function registryOf(p: Provider): Registry {
  return { providers: new Map([[p.name, p]]), routes: [], broken: [] };
}

function connect(records: Records, name: string, routes?: Provider): void {
  const connection: Connection = {
    provider: "acme",
    name,
    authType: "api_key",
    fields: { api_key: new Secret("k") },
    routes: routes && routesToSeal(routes),
    createdAt: "",
    updatedAt: "",
  };
  putConnection(records, connection, false);
}

Deno.test("isSealedFor() compares host rule, port, path prefix and injection", () => {
  const records: Records = new Map();
  connect(records, "default", provider(["api.acme.test", "https://up.acme.test:8443/v1"]));
  const connection = getConnection(records, "acme");
  const rows: [string, boolean][] = [
    ["api.acme.test", true],
    ["API.acme.test.", true],
    ["api.acme.test:444", false],
    ["https://api.acme.test/v1", false],
    ["https://up.acme.test:8443/v1", true],
    ["https://up.acme.test/v1", false],
    ["evil.test", false],
    ["regex:^api\\.acme\\.test$", false],
  ];
  for (const [url, expected] of rows) {
    const [route] = compileRoutes({ api_url: url, injection: BEARER } as ProviderFile, []);
    assert.equal(isSealedFor(connection, route), expected, url);
  }
  const asQuery = { type: "query", name: "key" } as const;
  const [rewritten] = compileRoutes({ api_url: "api.acme.test", injection: asQuery }, []);
  assert.equal(isSealedFor(connection, rewritten), false, "same route, another injection");
  const [reordered] = compileRoutes({
    api_url: "api.acme.test",
    injection: { prefix: "Bearer ", name: "Authorization", type: "header" },
  }, []);
  assert.equal(isSealedFor(connection, reordered), true, "same injection, keys reordered");
});

Deno.test("isSealedFor() seals a routes[] entry with its paths and its own injection", () => {
  const basic = { type: "basic", username: "x-access-token", password: "{api_key}" } as const;
  const git = { api_url: "acme.test", paths: ["/*/*/info/refs"], injection: basic };
  const records: Records = new Map();
  const sealed = provider(["api.acme.test"], { routes: [git] });
  connect(records, "default", sealed);
  const connection = getConnection(records, "acme");
  const [, route] = sealed.routes;
  assert.equal(isSealedFor(connection, route), true);
  const variants: [string, Partial<ProviderFile>][] = [
    ["wider paths", { routes: [{ ...git, paths: ["/**"] }] }],
    ["no paths", { routes: [{ api_url: git.api_url, injection: basic }] }],
    ["other username", { routes: [{ ...git, injection: { ...basic, username: "u" } }] }],
    ["main injection", { routes: [{ api_url: git.api_url, paths: git.paths }] }],
  ];
  for (const [what, extra] of variants) {
    const [, changed] = provider(["api.acme.test"], extra).routes;
    assert.equal(isSealedFor(connection, changed), false, what);
  }
  const changedUser = provider(["api.acme.test"], {
    routes: [{ ...git, injection: { ...basic, username: "u" } }],
  });
  assert.deepEqual(routeChange(records, changedUser)?.added, [
    "acme.test [/*/*/info/refs] as header Authorization: Basic base64(u:{api_key})",
  ]);
});

Deno.test("routeChange() names added and removed routes and the connections concerned", () => {
  const records: Records = new Map();
  const before = provider(["api.acme.test", "old.acme.test"]);
  connect(records, "default", before);
  connect(records, "work", provider(["api.acme.test", "old.acme.test", "evil.test"]));
  const after = provider(["api.acme.test", "evil.test"]);
  assert.deepEqual(routeChange(records, after), {
    provider: "acme",
    connections: ["default", "work"],
    added: ["evil.test as header Authorization: Bearer {api_key}"],
    removed: ["old.acme.test as header Authorization: Bearer {api_key}"],
  });
  assert.equal(routeChange(records, before)?.connections.join(), "work");
  assert.equal(sealProvider(records, after), 2);
  assert.equal(routeChange(records, after), undefined);
  assert.deepEqual(routeChanges(records, registryOf(after)), []);
});

Deno.test("sealUnsealed() seals only records from an earlier release, to the routes of now", () => {
  const records: Records = new Map();
  const sealedBefore = provider(["api.acme.test"]);
  connect(records, "old");
  connect(records, "new", sealedBefore);
  assert.equal(hasUnsealed(records), true);
  const now = provider(["api.acme.test", "eu.acme.test"]);
  assert.equal(sealUnsealed(records, registryOf(now)), 1);
  assert.equal(hasUnsealed(records), false);
  assert.deepEqual(getConnection(records, "acme", "old").routes, routesToSeal(now));
  assert.deepEqual(getConnection(records, "acme", "new").routes, routesToSeal(sealedBefore));
  assert.equal(sealUnsealed(records, registryOf(now)), 0);
});
