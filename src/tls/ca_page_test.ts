import assert from "node:assert/strict";
import { loadOrCreateCa } from "./ca.ts";
import { caPageResponse } from "./ca_page.ts";
import { tempDir } from "./_testing.ts";

function parse(bytes: Uint8Array): { status: string; headers: string; body: Uint8Array } {
  const text = new TextDecoder("latin1").decode(bytes);
  const end = text.indexOf("\r\n\r\n");
  const [status, ...headers] = text.slice(0, end).split("\r\n");
  return { status, headers: headers.join("\n"), body: bytes.subarray(end + 4) };
}

Deno.test("caPageResponse() serves a page, the PEM and the DER, and nothing else", async () => {
  await using tmp = await tempDir();
  const ca = await loadOrCreateCa(tmp.path, { owner: "alice@laptop" });
  const page = parse(caPageResponse("GET", "/", ca));
  assert.equal(page.status, "HTTP/1.1 200 OK");
  assert.match(page.headers, /content-type: text\/html; charset=utf-8/);
  assert.match(page.headers, /connection: close/);
  const html = new TextDecoder().decode(page.body);
  assert.match(html, /href="\/ca\.pem"/);
  assert.match(html, /href="\/ca\.der"/);
  assert.ok(html.includes(ca.cert.fingerprint256));
  assert.match(html, /authsome local CA \(alice@laptop\)/);
  const pem = parse(caPageResponse("GET", "/ca.pem", ca));
  assert.equal(new TextDecoder().decode(pem.body), ca.certPem);
  assert.match(pem.headers, new RegExp(`content-length: ${ca.certPem.length}`));
  for (const path of ["/ca.der", "/ca.crt"]) {
    const der = parse(caPageResponse("GET", path, ca));
    assert.match(der.headers, /content-type: application\/x-x509-ca-cert/);
    assert.deepEqual(der.body, ca.certDer);
  }
  const head = parse(caPageResponse("HEAD", "/ca.der", ca));
  assert.equal(head.body.length, 0);
  assert.match(head.headers, new RegExp(`content-length: ${ca.certDer.length}`));
  assert.equal(parse(caPageResponse("GET", "/ca.key", ca)).status, "HTTP/1.1 404 Not Found");
  assert.equal(parse(caPageResponse("POST", "/", ca)).status, "HTTP/1.1 405 Method Not Allowed");
});
