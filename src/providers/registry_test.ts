import assert from "node:assert/strict";
import { join } from "node:path";
import { loadRegistry } from "./registry.ts";

const USER_FILE = {
  name: "acme",
  display_name: "Acme",
  auth_type: "api_key",
  api_url: "api.acme.test",
  injection: { type: "header", name: "Authorization", prefix: "Bearer " },
  docs_url: "https://acme.test/docs",
};

async function tempDirs(): Promise<{ user: string; cache: string } & AsyncDisposable> {
  const root = await Deno.makeTempDir({ prefix: "authsome-registry-" });
  const user = join(root, "providers");
  await Deno.mkdir(user);
  return {
    user,
    cache: join(root, "cache"),
    [Symbol.asyncDispose]: () => Deno.remove(root, { recursive: true }),
  };
}

async function editCache(dir: string, edit: (checked: { providers: unknown[] }) => void) {
  const file = join(dir, "providers.json");
  const cached = JSON.parse(await Deno.readTextFile(file));
  edit(cached.checked);
  await Deno.writeTextFile(file, JSON.stringify(cached));
}

Deno.test("loadRegistry() writes a cache and answers from it while no file changes", async () => {
  await using dirs = await tempDirs();
  const first = await loadRegistry(dirs.user, dirs.cache);
  const { mode } = await Deno.stat(join(dirs.cache, "providers.json"));
  if (Deno.build.os !== "windows") assert.equal(mode! & 0o777, 0o600);
  await editCache(dirs.cache, (checked) => {
    (checked.providers as { definition: { display_name: string } }[])[0].definition
      .display_name = "from the cache";
  });
  const second = await loadRegistry(dirs.user, dirs.cache);
  assert.equal(second.providers.size, first.providers.size);
  assert.equal([...second.providers.values()][0].definition.display_name, "from the cache");
  assert.deepEqual(second.routes.map((r) => r.provider), first.routes.map((r) => r.provider));
});

Deno.test("loadRegistry() checks again when a user file is added, edited or removed", async () => {
  await using dirs = await tempDirs();
  const file = join(dirs.user, "acme.json");
  const bundled = (await loadRegistry(dirs.user, dirs.cache)).providers.size;
  await Deno.writeTextFile(file, JSON.stringify(USER_FILE));
  const added = await loadRegistry(dirs.user, dirs.cache);
  assert.equal(added.providers.get("acme")?.source.kind, "user");
  assert.equal(added.providers.size, bundled + 1);

  await Deno.writeTextFile(file, JSON.stringify({ ...USER_FILE, api_ur1: "x" }));
  const broken = await loadRegistry(dirs.user, dirs.cache);
  assert.equal(broken.providers.has("acme"), false);
  assert.equal(broken.broken[0].file, file);
  assert.match(broken.broken[0].problems[0].message, /did you mean "api_url"/);
  // A hit reports the broken file again: every command warns about it.
  assert.deepEqual((await loadRegistry(dirs.user, dirs.cache)).broken, broken.broken);

  await Deno.remove(file);
  const removed = await loadRegistry(dirs.user, dirs.cache);
  assert.equal(removed.providers.size, bundled);
  assert.deepEqual(removed.broken, []);
});

Deno.test("loadRegistry() ignores a cache that is garbage or no longer compiles", async () => {
  await using dirs = await tempDirs();
  const expected = await loadRegistry(dirs.user, dirs.cache);
  await editCache(dirs.cache, (checked) => {
    (checked.providers as { definition: { api_url: string } }[])[0].definition.api_url =
      "http://not-tls.test";
  });
  const recompiled = await loadRegistry(dirs.user, dirs.cache);
  assert.deepEqual([...recompiled.providers.keys()], [...expected.providers.keys()]);
  assert.equal(recompiled.routes.length, expected.routes.length);

  await Deno.writeTextFile(join(dirs.cache, "providers.json"), "{ not json");
  assert.equal((await loadRegistry(dirs.user, dirs.cache)).providers.size, expected.providers.size);
});

Deno.test("loadRegistry() still works when the cache cannot be written", async () => {
  await using dirs = await tempDirs();
  await Deno.writeTextFile(dirs.cache, "a file where the cache folder should be");
  const registry = await loadRegistry(dirs.user, dirs.cache);
  assert.ok(registry.providers.size > 0);
});
