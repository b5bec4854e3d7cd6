import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { join } from "node:path";
import { runTool, tempDir } from "./_testing.ts";
import { certificateParts, pemToDer } from "./x509.ts";

async function opensslCert(dir: string, extra: string[]): Promise<string> {
  const out = join(dir, "cert.pem");
  const result = await runTool("openssl", [
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:P-256",
    "-nodes",
    "-keyout",
    join(dir, "key.pem"),
    "-subj",
    "/O=acme/CN=test ca",
    ...extra,
    "-out",
    out,
  ]);
  assert.equal(result.code, 0, result.stderr);
  return await Deno.readTextFile(out);
}

function hex(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, "0").toUpperCase()).join(":");
}

Deno.test("certificateParts() reads the subject and SKI of a certificate openssl made", async () => {
  await using tmp = await tempDir();
  const pem = await opensslCert(tmp.path, []);
  const parts = certificateParts(pemToDer(pem));
  const text = (await runTool("openssl", ["x509", "-noout", "-text"], pem)).stdout;
  const ski = /Subject Key Identifier:\s+([0-9A-F:]+)/.exec(text)?.[1];
  assert.equal(hex(parts.subjectKeyId ?? new Uint8Array()), ski);
  // Name ::= SEQUENCE OF RelativeDistinguishedName (RFC 5280 §4.1.2.4).
  assert.equal(parts.subject[0], 0x30);
  assert.ok(new TextDecoder().decode(parts.subject).includes("test ca"));
  assert.equal(new X509Certificate(pem).subject, "O=acme\nCN=test ca");
});

Deno.test("certificateParts() ignores the AKI of a certificate without an SKI", async () => {
  await using tmp = await tempDir();
  const pem = await opensslCert(tmp.path, ["-addext", "subjectKeyIdentifier=none"]);
  const parts = certificateParts(pemToDer(pem));
  assert.equal(parts.subjectKeyId, undefined);
  assert.equal(parts.subject[0], 0x30);
});

Deno.test("certificateParts() rejects truncated or malformed DER", async () => {
  await using tmp = await tempDir();
  const der = pemToDer(await opensslCert(tmp.path, []));
  const rows: [string, Uint8Array][] = [
    ["empty", new Uint8Array()],
    ["cut in the middle", der.subarray(0, der.length >> 1)],
    ["cut after the header", der.subarray(0, 4)],
    ["a length of five octets", new Uint8Array([0x30, 0x85, 1, 1, 1, 1, 1])],
  ];
  for (const [name, bytes] of rows) {
    assert.throws(() => certificateParts(bytes), Error, name);
  }
});
