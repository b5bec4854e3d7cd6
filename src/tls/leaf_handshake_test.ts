/**
 * Real TLS handshakes against a `node:tls` server (what the proxy uses) with
 * a leaf from {@linkcode issueLeaf}, verified by curl, Python (with the
 * strict flags Python 3.13 turns on), Node and Deno (rustls) against the CA.
 */

import assert from "node:assert/strict";
import { startLeafOrigin } from "../../tests/helpers/leaf_origin.ts";
import { loadOrCreateCa } from "./ca.ts";
import { runTool, tempDir } from "./_testing.ts";

const REQUEST = "GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n";

const PYTHON = `
import socket, ssl, sys
cafile, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
context = ssl.create_default_context(cafile=cafile)
# Python 3.13 adds these two flags to the default context; VERIFY_X509_STRICT requires an AKI.
context.verify_flags |= ssl.VERIFY_X509_STRICT | ssl.VERIFY_X509_PARTIAL_CHAIN
with socket.create_connection(("127.0.0.1", port)) as raw:
    with context.wrap_socket(raw, server_hostname=host) as conn:
        conn.sendall(sys.argv[4].encode())
        data = b""
        while chunk := conn.recv(4096):
            data += chunk
print(data.decode().split("\\r\\n\\r\\n", 1)[1], end="")
`;

const NODE = `
const https = require("node:https");
const [ca, host, port] = process.argv.slice(1);
https.get({ host: "127.0.0.1", servername: host, port: Number(port), ca: require("node:fs").readFileSync(ca), path: "/",
  headers: { host } }, (res) => res.pipe(process.stdout)).on("error", (e) => { console.error(e.message); process.exit(1); });
`;

async function denoFetch(caPem: string, host: string, port: number): Promise<string> {
  using conn = await Deno.connectTls({ hostname: host, port, caCerts: [caPem] });
  await conn.write(new TextEncoder().encode(REQUEST));
  const body = await new Response(conn.readable).text();
  return body.split("\r\n\r\n")[1];
}

Deno.test("issueLeaf() certificates pass handshakes with curl, Python, Node and Deno", async () => {
  await using tmp = await tempDir();
  const ca = await loadOrCreateCa(tmp.path);
  await using origin = await startLeafOrigin(ca, "localhost");
  const url = `https://localhost:${origin.port}/`;
  const resolve = `localhost:${origin.port}:127.0.0.1`;
  const curl = await runTool("curl", ["-sS", "--resolve", resolve, "--cacert", ca.paths.cert, url]);
  assert.equal(curl.stdout, "hello\n", curl.stderr);
  const python = await runTool("/usr/bin/python3", [
    "-c",
    PYTHON,
    ca.paths.cert,
    "localhost",
    String(origin.port),
    REQUEST,
  ]);
  assert.equal(python.stdout, "hello\n", python.stderr);
  const node = await runTool("node", ["-e", NODE, ca.paths.cert, "localhost", String(origin.port)]);
  assert.equal(node.stdout, "hello\n", node.stderr);
  assert.equal(await denoFetch(ca.certPem, "localhost", origin.port), "hello\n");
});

Deno.test("issueLeaf() certificates for an IP address pass handshakes with curl and Deno", async () => {
  await using tmp = await tempDir();
  const ca = await loadOrCreateCa(tmp.path);
  await using origin = await startLeafOrigin(ca, "127.0.0.1");
  const url = `https://127.0.0.1:${origin.port}/`;
  const curl = await runTool("curl", ["-sS", "--cacert", ca.paths.cert, url]);
  assert.equal(curl.stdout, "hello\n", curl.stderr);
  assert.equal(await denoFetch(ca.certPem, "127.0.0.1", origin.port), "hello\n");
});

Deno.test("clients refuse a leaf for another host or from another CA", async () => {
  await using tmp = await tempDir();
  await using other = await tempDir();
  const ca = await loadOrCreateCa(tmp.path);
  const otherCa = await loadOrCreateCa(other.path);
  await using origin = await startLeafOrigin(ca, "localhost");
  const resolve = (host: string) => `${host}:${origin.port}:127.0.0.1`;
  const wrongHost = await runTool("curl", [
    "-sS",
    "--resolve",
    resolve("example.com"),
    "--cacert",
    ca.paths.cert,
    `https://example.com:${origin.port}/`,
  ]);
  assert.equal(wrongHost.code, 60, wrongHost.stderr);
  const wrongCa = await runTool("curl", [
    "-sS",
    "--resolve",
    resolve("localhost"),
    "--cacert",
    otherCa.paths.cert,
    `https://localhost:${origin.port}/`,
  ]);
  assert.equal(wrongCa.code, 60, wrongCa.stderr);
  await assert.rejects(denoFetch(otherCa.certPem, "localhost", origin.port));
});
