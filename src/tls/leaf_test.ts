import assert from "node:assert/strict";
import { generateKeyPairSync, X509Certificate } from "node:crypto";
import { join } from "node:path";
import { isAuthsomeError } from "../errors.ts";
import { type Ca, loadOrCreateCa } from "./ca.ts";
import { issueLeaf, leafHostName, loadOrCreateLeafKey } from "./leaf.ts";
import { buildCertificate, derToPem, describeKey, OID, randomSerial } from "./x509.ts";
import { modeOf, runTool, tempDir, x509Text } from "./_testing.ts";

const DAY_MS = 24 * 60 * 60 * 1000;

async function verify(
  ca: Ca,
  leafPem: string,
  dir: string,
): Promise<{ code: number; out: string }> {
  const leafPath = join(dir, `leaf-${crypto.randomUUID()}.pem`);
  await Deno.writeTextFile(leafPath, leafPem);
  // -x509_strict is what Python 3.13 turns on (VERIFY_X509_STRICT): it demands an AKI.
  const result = await runTool("openssl", [
    "verify",
    "-x509_strict",
    "-purpose",
    "sslserver",
    "-CAfile",
    ca.paths.cert,
    leafPath,
  ]);
  return { code: result.code, out: result.stdout + result.stderr };
}

Deno.test("issueLeaf() sets SAN, AKI and serverAuth", async () => {
  await using tmp = await tempDir();
  const ca = await loadOrCreateCa(tmp.path);
  const key = await loadOrCreateLeafKey(tmp.path);
  const pem = await issueLeaf(ca, "API.Example.com", key, new Date());
  const text = await x509Text(pem);
  assert.match(text, /Subject: O = authsome, CN = api\.example\.com/);
  assert.match(text, /Subject Alternative Name:\s+DNS:api\.example\.com\n/);
  assert.match(text, /Extended Key Usage:\s+TLS Web Server Authentication\n/);
  assert.match(text, /Key Usage: critical\s+Digital Signature\n/);
  const caSki = /Subject Key Identifier:\s+(\S+)/.exec(await x509Text(ca.certPem))?.[1];
  assert.match(text, new RegExp(`Authority Key Identifier:\\s+(keyid:)?${caSki}`));
  assert.match(text, /Subject Key Identifier:\s+\S+/);
  assert.doesNotMatch(text, /CA:TRUE/);
  const result = await verify(ca, pem, tmp.path);
  assert.equal(result.code, 0, result.out);
});

Deno.test("issueLeaf() uses an IP SAN for IPv4 and IPv6 hosts", async () => {
  await using tmp = await tempDir();
  const ca = await loadOrCreateCa(tmp.path);
  const key = await loadOrCreateLeafKey(tmp.path);
  const cases = [
    ["127.0.0.1", "IP Address:127.0.0.1"],
    ["::1", "IP Address:0:0:0:0:0:0:0:1"],
    ["[2001:db8::8:800:200c:417a]", "IP Address:2001:DB8:0:0:8:800:200C:417A"],
    ["::ffff:192.0.2.1", "IP Address:0:0:0:0:0:FFFF:C000:201"],
  ];
  for (const [host, san] of cases) {
    const pem = await issueLeaf(ca, host, key, new Date());
    assert.match(await x509Text(pem), new RegExp(`Subject Alternative Name:\\s+${san}\\n`), host);
    assert.equal((await verify(ca, pem, tmp.path)).code, 0, host);
  }
});

Deno.test("issueLeaf() gives random positive serials and 91 days of validity", async () => {
  await using tmp = await tempDir();
  const ca = await loadOrCreateCa(tmp.path);
  const key = await loadOrCreateLeafKey(tmp.path);
  const now = new Date("2026-06-01T00:00:00Z");
  const a = new X509Certificate(await issueLeaf(ca, "a.example", key, now));
  const b = new X509Certificate(await issueLeaf(ca, "a.example", key, now));
  assert.notEqual(a.serialNumber, b.serialNumber);
  assert.equal(a.serialNumber.length, 32);
  assert.ok(parseInt(a.serialNumber[0], 16) < 8, "the serial is positive");
  assert.equal(Date.parse(a.validFrom), now.getTime() - DAY_MS);
  assert.equal(Date.parse(a.validTo), now.getTime() + 90 * DAY_MS);
});

Deno.test("issueLeaf() shares one 0600 leaf key across hosts", async () => {
  await using tmp = await tempDir();
  const ca = await loadOrCreateCa(tmp.path);
  const [key, again] = await Promise.all([
    loadOrCreateLeafKey(tmp.path),
    loadOrCreateLeafKey(tmp.path),
  ]);
  assert.deepEqual(describeKey(again).spki, describeKey(key).spki);
  assert.equal(await modeOf(join(tmp.path, "leaf.key")), 0o600);
  const a = new X509Certificate(await issueLeaf(ca, "a.example", key, new Date()));
  const b = new X509Certificate(await issueLeaf(ca, "b.example", key, new Date()));
  assert.ok(a.publicKey.equals(b.publicKey));
});

Deno.test("issueLeaf() accepts an RSA leaf key and adds keyEncipherment", async () => {
  await using tmp = await tempDir();
  const ca = await loadOrCreateCa(tmp.path);
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const pem = await issueLeaf(ca, "rsa.example", privateKey, new Date());
  assert.match(await x509Text(pem), /Key Usage: critical\s+Digital Signature, Key Encipherment/);
  assert.equal((await verify(ca, pem, tmp.path)).code, 0);
});

Deno.test("openssl's strict check (Python 3.13) rejects a leaf without an AKI", async () => {
  await using tmp = await tempDir();
  const ca = await loadOrCreateCa(tmp.path);
  const key = await loadOrCreateLeafKey(tmp.path);
  const now = Date.now();
  const der = await buildCertificate({
    serial: randomSerial(),
    issuer: ca.subject,
    notBefore: new Date(now - DAY_MS),
    notAfter: new Date(now + DAY_MS),
    subject: [[OID.commonName, "no-aki.example"]],
    subjectKey: key,
    extensions: [
      { kind: "extKeyUsage", oids: [OID.serverAuth] },
      { kind: "subjectAltName", dns: "no-aki.example" },
    ],
  }, ca.privateKey);
  const result = await verify(ca, derToPem(der), tmp.path);
  assert.notEqual(result.code, 0);
  assert.match(result.out, /Missing Authority Key Identifier/i);
});

Deno.test("leafHostName() canonicalises names and rejects anything else", () => {
  const good: [string, string][] = [
    ["API.Example.COM", "api.example.com"],
    ["api.example.com.", "api.example.com"],
    ["[::1]", "::1"],
    ["2001:DB8:0:0:0:0:0:1", "2001:db8::1"],
    ["10.0.0.1", "10.0.0.1"],
    ["my_host.internal", "my_host.internal"],
  ];
  for (const [input, want] of good) assert.equal(leafHostName(input), want, input);
  const bad = [
    "",
    ".",
    "..",
    "../etc/passwd",
    "a/b",
    "a b",
    "a..b",
    "-a.example",
    "fe80::1%eth0",
    "é.example",
    "*.example.com",
    "a".repeat(64) + ".example",
  ];
  for (const input of bad) {
    assert.throws(() => leafHostName(input), (error) => isAuthsomeError(error, "invalid"), input);
  }
});
