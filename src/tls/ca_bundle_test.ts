import assert from "node:assert/strict";
import { join } from "node:path";
import { loadOrCreateCa } from "./ca.ts";
import { systemRoots, writeCaBundle } from "./ca_bundle.ts";
import { issueLeaf, loadOrCreateLeafKey } from "./leaf.ts";
import { modeOf, runTool, tempDir } from "./_testing.ts";

const countCerts = (pem: string) => pem.split("-----BEGIN CERTIFICATE-----").length - 1;

Deno.test("systemRoots() prefers the parent's SSL_CERT_FILE", async () => {
  await using tmp = await tempDir();
  const ca = await loadOrCreateCa(tmp.path);
  const roots = await systemRoots({ env: { SSL_CERT_FILE: ca.paths.cert } });
  assert.equal(roots, ca.certPem);
});

Deno.test("systemRoots() skips missing and non-PEM files", async () => {
  await using tmp = await tempDir();
  const ca = await loadOrCreateCa(tmp.path);
  const junk = join(tmp.path, "junk.crt");
  await Deno.writeTextFile(junk, "no certificates here\n");
  const files = [join(tmp.path, "missing.crt"), junk, tmp.path, ca.paths.cert];
  assert.equal(await systemRoots({ env: { SSL_CERT_FILE: "" }, files }), ca.certPem);
});

Deno.test("systemRoots() falls back on the bundled roots, or gives empty text", async () => {
  await using tmp = await tempDir();
  const files = [join(tmp.path, "missing.crt")];
  assert.equal(await systemRoots({ env: {}, files, bundledFallback: false }), "");
  assert.ok(countCerts(await systemRoots({ env: {}, files })) > 100);
});

Deno.test("systemRoots() finds this machine's roots", async () => {
  assert.ok(countCerts(await systemRoots({ env: {} })) > 100);
});

Deno.test("writeCaBundle() writes the roots then the CA, mode 0600", async () => {
  await using tmp = await tempDir();
  const ca = await loadOrCreateCa(join(tmp.path, "ca"));
  const roots = await systemRoots({ env: {} });
  const bundle = join(tmp.path, "runs", "r1", "ca-bundle.pem");
  await writeCaBundle(bundle, ca.certPem, roots);
  const text = await Deno.readTextFile(bundle);
  assert.equal(await modeOf(bundle), 0o600);
  assert.ok(text.startsWith(roots));
  assert.ok(text.endsWith(ca.certPem));
  assert.equal(countCerts(text), countCerts(roots) + 1);
  const leafPath = join(tmp.path, "leaf.pem");
  const leafKey = await loadOrCreateLeafKey(join(tmp.path, "ca"));
  await Deno.writeTextFile(leafPath, await issueLeaf(ca, "api.example.com", leafKey, new Date()));
  const verified = await runTool("openssl", ["verify", "-CAfile", bundle, leafPath]);
  assert.equal(verified.code, 0, verified.stderr);
});

Deno.test("writeCaBundle() without system roots holds the CA alone", async () => {
  await using tmp = await tempDir();
  const ca = await loadOrCreateCa(tmp.path);
  const bundle = join(tmp.path, "bundle.pem");
  await writeCaBundle(bundle, ca.certPem.trimEnd(), "");
  assert.equal(await Deno.readTextFile(bundle), `# authsome local CA\n${ca.certPem}`);
});
