import assert from "node:assert/strict";
import { importKey, open, parseVaultFile, seal } from "./format.ts";

const key = await importKey(crypto.getRandomValues(new Uint8Array(32)));

Deno.test("seal() and open() round-trip a record with a fresh nonce each time", async () => {
  const a = await seal(key, "connection/x/default", { v: "secret" });
  const b = await seal(key, "connection/x/default", { v: "secret" });
  assert.notEqual(a.nonce, b.nonce);
  assert.deepEqual(await open(key, "connection/x/default", a), { v: "secret" });
});

Deno.test("open() refuses a record under another name (associated data)", async () => {
  const sealed = await seal(key, "connection/x/default", { v: 1 });
  await assert.rejects(() => open(key, "connection/y/default", sealed), /modified or moved/);
});

Deno.test("open() refuses a record with a flipped byte or the wrong key", async () => {
  const sealed = await seal(key, "n", { v: 1 });
  const bytes = atob(sealed.data);
  const flipped = btoa(String.fromCharCode(bytes.charCodeAt(0) ^ 1) + bytes.slice(1));
  await assert.rejects(() => open(key, "n", { ...sealed, data: flipped }), /modified or moved/);
  const other = await importKey(crypto.getRandomValues(new Uint8Array(32)));
  await assert.rejects(() => open(other, "n", sealed), /modified or moved/);
});

Deno.test("parseVaultFile() tells corrupt, foreign and newer files apart", () => {
  const ok = { format: "authsome-vault", version: 1, key_source: "file", records: {} };
  assert.deepEqual(parseVaultFile(JSON.stringify(ok), "v"), ok);
  assert.throws(
    () => parseVaultFile('{"format": "authsome-vau', "v"),
    /corrupt: it is not valid JSON/,
  );
  assert.throws(() => parseVaultFile("{}", "v"), /not an authsome vault/);
  assert.throws(
    () => parseVaultFile(JSON.stringify({ ...ok, version: 2 }), "v"),
    /version 2, newer than this authsome reads/,
  );
  assert.throws(
    () => parseVaultFile(JSON.stringify({ ...ok, records: { a: { nonce: 1 } } }), "v"),
    /record "a" is damaged/,
  );
});
