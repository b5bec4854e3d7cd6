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

function provider(apiUrl: string[]): Provider {
  const definition = {
    name: "acme",
    auth_type: "api_key",
    api_url: apiUrl,
    injection: { type: "header", name: "Authorization", prefix: "Bearer " },
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

Deno.test("isSealedFor() compares host rule, port and path prefix", () => {
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
    const [route] = compileRoutes({ api_url: url }, []);
    assert.equal(isSealedFor(connection, route), expected, url);
  }
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
    added: ["evil.test"],
    removed: ["old.acme.test"],
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
