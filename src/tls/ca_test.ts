import assert from "node:assert/strict";
import { generateKeyPairSync, X509Certificate } from "node:crypto";
import { join } from "node:path";
import { isAuthsomeError } from "../errors.ts";
import { caPaths, loadOrCreateCa } from "./ca.ts";
import { modeOf, runTool, tempDir, x509Text } from "./_testing.ts";

const DAY_MS = 24 * 60 * 60 * 1000;

Deno.test("loadOrCreateCa() creates ca.key 0600 and ca.pem 0644 in a 0700 folder", async () => {
  await using tmp = await tempDir();
  const dir = join(tmp.path, "ca");
  const ca = await loadOrCreateCa(dir, { owner: "alice@laptop" });
  assert.equal(await modeOf(dir), 0o700);
  assert.equal(await modeOf(ca.paths.key), 0o600);
  assert.equal(await modeOf(ca.paths.cert), 0o644);
  assert.equal(await Deno.readTextFile(ca.paths.cert), ca.certPem);
  assert.deepEqual(
    await Array.fromAsync(Deno.readDir(dir), (entry) => entry.name).then((names) => names.sort()),
    [
      "ca.key",
      "ca.pem",
    ],
  );
});

Deno.test("loadOrCreateCa() makes a CA certificate with critical constraints and an SKI", async () => {
  await using tmp = await tempDir();
  const now = new Date("2026-03-01T12:00:00Z");
  const ca = await loadOrCreateCa(tmp.path, { owner: "alice@laptop", now });
  const text = await x509Text(ca.certPem);
  assert.match(text, /Subject: O = authsome, CN = authsome local CA \(alice@laptop\)/);
  assert.match(text, /Issuer: O = authsome, CN = authsome local CA \(alice@laptop\)/);
  assert.match(text, /Basic Constraints: critical\s+CA:TRUE, pathlen:0/);
  assert.match(text, /Key Usage: critical\s+Certificate Sign, CRL Sign/);
  assert.match(text, /Subject Key Identifier:\s+([0-9A-F]{2}:){19}[0-9A-F]{2}/);
  assert.match(text, /ecdsa-with-SHA256/);
  assert.doesNotMatch(text, /Name Constraints/);
  const cert = new X509Certificate(ca.certPem);
  assert.equal(Date.parse(cert.validFrom), now.getTime() - DAY_MS);
  assert.equal(Date.parse(cert.validTo), now.getTime() + 3650 * DAY_MS);
  assert.ok(cert.ca);
  assert.deepEqual(new Uint8Array(cert.raw), ca.certDer);
  const self = await runTool("openssl", [
    "verify",
    "-x509_strict",
    "-CAfile",
    ca.paths.cert,
    ca.paths.cert,
  ]);
  assert.equal(self.code, 0, self.stderr);
});

Deno.test("loadOrCreateCa() loads the CA it created", async () => {
  await using tmp = await tempDir();
  const first = await loadOrCreateCa(tmp.path);
  const second = await loadOrCreateCa(tmp.path);
  assert.equal(second.certPem, first.certPem);
  assert.deepEqual(second.keyId, first.keyId);
  assert.deepEqual(second.subject, first.subject);
  assert.ok(second.cert.checkPrivateKey(first.privateKey));
});

Deno.test("loadOrCreateCa() gives concurrent callers in one process one CA", async () => {
  await using tmp = await tempDir();
  const cas = await Promise.all(Array.from({ length: 8 }, () => loadOrCreateCa(tmp.path)));
  const onDisk = await Deno.readTextFile(caPaths(tmp.path).cert);
  for (const ca of cas) {
    assert.equal(ca.certPem, onDisk);
    assert.ok(ca.cert.checkPrivateKey(cas[0].privateKey));
  }
  const names = await Array.fromAsync(Deno.readDir(tmp.path), (entry) => entry.name);
  assert.deepEqual(names.sort(), ["ca.key", "ca.pem"]);
});

Deno.test("loadOrCreateCa() gives concurrent processes one CA", async () => {
  await using tmp = await tempDir();
  const module = new URL("./ca.ts", import.meta.url).href;
  const code = `import { loadOrCreateCa } from "${module}";
    const ca = await loadOrCreateCa(${JSON.stringify(tmp.path)});
    console.log(ca.cert.fingerprint256);`;
  const runs = await Promise.all(
    Array.from({ length: 3 }, () => runTool(Deno.execPath(), ["eval", code])),
  );
  for (const run of runs) assert.equal(run.code, 0, run.stderr);
  const ca = await loadOrCreateCa(tmp.path);
  for (const run of runs) assert.equal(run.stdout.trim(), ca.cert.fingerprint256);
});

Deno.test("loadOrCreateCa() refuses a ca.key that does not belong to ca.pem", async () => {
  await using tmp = await tempDir();
  const ca = await loadOrCreateCa(tmp.path);
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  await Deno.writeTextFile(
    ca.paths.key,
    privateKey.export({ type: "pkcs8", format: "pem" }) as string,
  );
  await assert.rejects(loadOrCreateCa(tmp.path), (error) => {
    assert.ok(isAuthsomeError(error, "invalid"));
    assert.match(error.message, /does not match/);
    assert.match(error.hint ?? "", /authsome cert install/);
    return true;
  });
});

Deno.test("loadOrCreateCa() reports a missing ca.key instead of replacing the CA", async () => {
  await using tmp = await tempDir();
  const ca = await loadOrCreateCa(tmp.path);
  await Deno.remove(ca.paths.key);
  await assert.rejects(loadOrCreateCa(tmp.path), (error) => {
    assert.ok(isAuthsomeError(error, "invalid"));
    assert.match(error.message, /is missing/);
    return true;
  });
  assert.equal(await Deno.readTextFile(ca.paths.cert), ca.certPem);
});
