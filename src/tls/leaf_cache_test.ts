import assert from "node:assert/strict";
import { generateKeyPairSync, X509Certificate } from "node:crypto";
import { join } from "node:path";
import { isAuthsomeError } from "../errors.ts";
import { caPaths, loadOrCreateCa } from "./ca.ts";
import { issueLeaf, loadOrCreateLeafKey } from "./leaf.ts";
import { LeafCache } from "./leaf_cache.ts";
import { modeOf, tempDir } from "./_testing.ts";

const DAY_MS = 24 * 60 * 60 * 1000;

Deno.test("LeafCache.get() mints once for concurrent calls and caches on disk (0600)", async () => {
  await using tmp = await tempDir();
  const cache = await LeafCache.open(tmp.path);
  const pairs = await Promise.all(Array.from({ length: 10 }, () => cache.get("api.example.com")));
  for (const pair of pairs) assert.equal(pair.certPem, pairs[0].certPem);
  const file = join(caPaths(tmp.path).leaves, "api.example.com.pem");
  assert.equal(await Deno.readTextFile(file), pairs[0].certPem);
  assert.equal(await modeOf(file), 0o600);
  assert.equal(await modeOf(caPaths(tmp.path).leaves), 0o700);
  assert.match(pairs[0].keyPem, /^-----BEGIN PRIVATE KEY-----/);
  assert.equal(
    await cache.get("API.example.com."),
    pairs[0],
    "one entry a host, whatever its spelling",
  );
});

Deno.test("LeafCache.context() is made once per leaf, and anew for a renewed leaf", async () => {
  await using tmp = await tempDir();
  let now = new Date("2026-01-01T00:00:00Z");
  const cache = await LeafCache.open(tmp.path, () => now);
  const first = await cache.context("a.example");
  assert.equal(await cache.context("A.example."), first, "one context a leaf");
  now = new Date(now.getTime() + 84 * DAY_MS);
  const renewed = await cache.context("a.example");
  assert.notEqual(renewed, first, "a renewed leaf is served with a context of its own");
  assert.equal(await cache.context("a.example"), renewed);
});

Deno.test("LeafCache.get() reuses a leaf from disk in a new cache", async () => {
  await using tmp = await tempDir();
  const first = await (await LeafCache.open(tmp.path)).get("a.example");
  const again = await (await LeafCache.open(tmp.path)).get("a.example");
  assert.equal(again.certPem, first.certPem);
  const other = await (await LeafCache.open(tmp.path)).get("b.example");
  assert.notEqual(other.certPem, first.certPem);
  assert.equal(other.keyPem, first.keyPem);
});

Deno.test("LeafCache.get() reissues a leaf that expires within 7 days", async () => {
  await using tmp = await tempDir();
  let now = new Date("2026-01-01T00:00:00Z");
  const cache = await LeafCache.open(tmp.path, () => now);
  const first = await cache.get("a.example");
  now = new Date(now.getTime() + 82 * DAY_MS);
  assert.equal(await cache.get("a.example"), first, "still more than 7 days left");
  assert.equal(
    (await (await LeafCache.open(tmp.path, () => now)).get("a.example")).certPem,
    first.certPem,
  );
  now = new Date(now.getTime() + 2 * DAY_MS);
  const renewed = await cache.get("a.example");
  assert.notEqual(renewed.certPem, first.certPem);
  assert.equal(
    Date.parse(new X509Certificate(renewed.certPem).validTo),
    now.getTime() + 90 * DAY_MS,
  );
  const fromDisk = await (await LeafCache.open(tmp.path, () => now)).get("a.example");
  assert.equal(fromDisk.certPem, renewed.certPem);
});

Deno.test("LeafCache.get() reissues a cached leaf from another CA or for another host", async () => {
  await using tmp = await tempDir();
  await using other = await tempDir();
  const otherCa = await loadOrCreateCa(other.path);
  const leaves = caPaths(tmp.path).leaves;
  await Deno.mkdir(leaves, { recursive: true });
  const foreign = await issueLeaf(
    otherCa,
    "a.example",
    await loadOrCreateLeafKey(tmp.path),
    new Date(),
  );
  await Deno.writeTextFile(join(leaves, "a.example.pem"), foreign);
  const cache = await LeafCache.open(tmp.path);
  const ca = await loadOrCreateCa(tmp.path);
  await Deno.writeTextFile(join(leaves, "b.example.pem"), (await cache.get("c.example")).certPem);
  await Deno.writeTextFile(join(leaves, "d.example.pem"), "not a certificate");
  for (const host of ["a.example", "b.example", "d.example"]) {
    const cert = new X509Certificate((await cache.get(host)).certPem);
    assert.ok(cert.verify(ca.publicKey), host);
    assert.equal(cert.checkHost(host), host);
  }
});

Deno.test("LeafCache.get() rejects a bad host, writes nothing, and keeps serving", async () => {
  await using tmp = await tempDir();
  const cache = await LeafCache.open(tmp.path);
  for (const host of ["../../escape", "a/b", ""]) {
    await assert.rejects(cache.get(host), (error) => isAuthsomeError(error, "invalid"), host);
  }
  await cache.get("::1");
  await cache.get("127.0.0.1");
  const names = await Array.fromAsync(
    Deno.readDir(caPaths(tmp.path).leaves),
    (entry) => entry.name,
  );
  assert.deepEqual(names.sort(), ["127.0.0.1.pem", "[--1].pem"]);
  assert.deepEqual((await Array.fromAsync(Deno.readDir(tmp.path), (e) => e.name)).sort(), [
    "ca.key",
    "ca.pem",
    "leaf.key",
    "leaves",
  ]);
});

Deno.test("LeafCache reads the CA key only to mint: a cached leaf is served without it", async () => {
  await using tmp = await tempDir();
  const cached = await (await LeafCache.open(tmp.path)).get("a.example");
  // Another key in ca.key: any read of it for signing fails, as it no longer matches ca.pem.
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  await Deno.writeTextFile(
    caPaths(tmp.path).key,
    privateKey.export({ type: "pkcs8", format: "pem" }) as string,
  );
  const cache = await LeafCache.open(tmp.path);
  assert.equal((await cache.get("a.example")).certPem, cached.certPem);
  await cache.context("a.example");
  await assert.rejects(cache.get("b.example"), /does not match/);
});
