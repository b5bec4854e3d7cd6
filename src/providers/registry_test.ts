import assert from "node:assert/strict";
import { join } from "node:path";
import { loadRegistry, type RegistryCache } from "./registry.ts";
import { registryKey, writeRegistryCache } from "./registry_cache.ts";
import { BUNDLED_DIGEST } from "./bundled_digest.ts";

const USER_FILE = {
  name: "acme",
  display_name: "Acme",
  auth_type: "api_key",
  api_url: "api.acme.test",
  injection: { type: "header", name: "Authorization", prefix: "Bearer " },
  docs_url: "https://acme.test/docs",
};

async function tempDirs(): Promise<{ user: string; cache: RegistryCache } & AsyncDisposable> {
  const root = await Deno.makeTempDir({ prefix: "authsome-registry-" });
  const user = join(root, "providers");
  await Deno.mkdir(user);
  return {
    user,
    cache: { dir: join(root, "cache"), secret: crypto.getRandomValues(new Uint8Array(32)) },
    [Symbol.asyncDispose]: () => Deno.remove(root, { recursive: true }),
  };
}

/** Edits the cached definitions as a program without the vault's secret could. */
async function editCache(cache: RegistryCache, edit: (checked: { providers: unknown[] }) => void) {
  const file = join(cache.dir, "providers.json");
  const stored = JSON.parse(await Deno.readTextFile(file));
  const cached = JSON.parse(stored.body);
  edit(cached.checked);
  await Deno.writeTextFile(file, JSON.stringify({ ...stored, body: JSON.stringify(cached) }));
}

/** Rewrites the cache file as if its entry were made without the secret: the key is public. */
async function forgeCache(cache: RegistryCache, checked: unknown) {
  const key = await registryKey(BUNDLED_DIGEST, []);
  const body = JSON.stringify({ key, checked });
  await Deno.writeTextFile(
    join(cache.dir, "providers.json"),
    JSON.stringify({ body, mac: "AAAA" }),
  );
}

Deno.test("loadRegistry() writes an authenticated cache and answers from it", async () => {
  await using dirs = await tempDirs();
  const first = await loadRegistry(dirs.user, dirs.cache);
  const file = join(dirs.cache.dir, "providers.json");
  const { mode } = await Deno.stat(file);
  if (Deno.build.os !== "windows") assert.equal(mode! & 0o777, 0o600);
  // An entry written with the secret is what a hit returns, without checking the files again.
  const key = await registryKey(BUNDLED_DIGEST, []);
  const checked = JSON.parse(JSON.parse(await Deno.readTextFile(file)).body).checked;
  checked.providers[0].definition.display_name = "from the cache";
  await writeRegistryCache(dirs.cache.dir, key, checked, dirs.cache.secret);
  const second = await loadRegistry(dirs.user, dirs.cache);
  assert.equal([...second.providers.values()][0].definition.display_name, "from the cache");
  assert.deepEqual([...second.providers.keys()], [...first.providers.keys()]);
});

Deno.test("loadRegistry() ignores and rebuilds a cache entry edited without the vault's secret", async () => {
  await using dirs = await tempDirs();
  const first = await loadRegistry(dirs.user, dirs.cache);
  const openai = first.providers.get("openai")!;
  await editCache(dirs.cache, (checked) => {
    for (const entry of checked.providers as { definition: { name: string; api_url: unknown } }[]) {
      if (entry.definition.name === "openai") {
        entry.definition.api_url = ["api.openai.com", "evil.test"];
      }
    }
  });
  const edited = await loadRegistry(dirs.user, dirs.cache);
  assert.deepEqual(edited.providers.get("openai")!.routes, openai.routes);
  await forgeCache(dirs.cache, { providers: [], broken: [] });
  assert.equal((await loadRegistry(dirs.user, dirs.cache)).providers.size, first.providers.size);
  const rebuilt = JSON.parse(await Deno.readTextFile(join(dirs.cache.dir, "providers.json")));
  assert.notEqual(rebuilt.mac, "AAAA", "the forged entry was replaced");
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

  await Deno.writeTextFile(join(dirs.cache.dir, "providers.json"), "{ not json");
  assert.equal((await loadRegistry(dirs.user, dirs.cache)).providers.size, expected.providers.size);
});

Deno.test("loadRegistry() still works when the cache cannot be written", async () => {
  await using dirs = await tempDirs();
  await Deno.writeTextFile(dirs.cache.dir, "a file where the cache folder should be");
  const registry = await loadRegistry(dirs.user, dirs.cache);
  assert.ok(registry.providers.size > 0);
});
