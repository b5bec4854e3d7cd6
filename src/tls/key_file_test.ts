import assert from "node:assert/strict";
import { join } from "node:path";
import { isAuthsomeError } from "../errors.ts";
import { createFileOnce, loadOrCreateKey } from "./key_file.ts";
import { modeOf, tempDir } from "./_testing.ts";

Deno.test("createFileOnce() lets exactly one of many racing writers win", async () => {
  await using tmp = await tempDir();
  const path = join(tmp.path, "once.txt");
  const results = await Promise.all(
    Array.from(
      { length: 10 },
      (_, i) => createFileOnce(path, new TextEncoder().encode(`writer ${i}`), 0o600),
    ),
  );
  assert.equal(results.filter(Boolean).length, 1);
  assert.equal(await Deno.readTextFile(path), `writer ${results.indexOf(true)}`);
  assert.equal(await modeOf(path), 0o600);
  const names = await Array.fromAsync(Deno.readDir(tmp.path), (entry) => entry.name);
  assert.deepEqual(names, ["once.txt"], "no temporary file is left behind");
});

Deno.test("createFileOnce() never replaces an existing file", async () => {
  await using tmp = await tempDir();
  const path = join(tmp.path, "once.txt");
  await Deno.writeTextFile(path, "first");
  assert.equal(await createFileOnce(path, new TextEncoder().encode("second"), 0o644), false);
  assert.equal(await Deno.readTextFile(path), "first");
});

Deno.test("loadOrCreateKey() creates a P-256 key once and rejects a file that is not a key", async () => {
  await using tmp = await tempDir();
  const path = join(tmp.path, "k.key");
  const key = await loadOrCreateKey(path);
  assert.equal(key.asymmetricKeyDetails?.namedCurve, "prime256v1");
  assert.equal(await modeOf(path), 0o600);
  assert.ok((await loadOrCreateKey(path)).equals(key));
  await Deno.writeTextFile(path, "garbage");
  await assert.rejects(loadOrCreateKey(path), (error) => isAuthsomeError(error, "invalid"));
});
