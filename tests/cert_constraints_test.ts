/**
 * The CA's name constraints as real clients enforce them: a leaf for a
 * provider's domain verifies, a leaf for any other site (or an IP address) is
 * refused, by curl and by Python (both OpenSSL), even though the CA signed it.
 */

import assert from "node:assert/strict";
import { loadOrCreateCa } from "../src/tls/ca.ts";
import { client } from "./helpers/clients.ts";
import { startLeafOrigin } from "./helpers/leaf_origin.ts";

const curl = client("curl", "checks name constraints as OpenSSL enforces them");
const python = client("/usr/bin/python3", "checks name constraints through Python's ssl module");

const PYTHON = `
import socket, ssl, sys
cafile, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
context = ssl.create_default_context(cafile=cafile)
context.verify_flags |= ssl.VERIFY_X509_STRICT
try:
    with socket.create_connection(("127.0.0.1", port)) as raw:
        with context.wrap_socket(raw, server_hostname=host) as conn:
            conn.sendall(b"GET / HTTP/1.1\\r\\nhost: x\\r\\n\\r\\n")
            print(conn.recv(4096).decode().split("\\r\\n\\r\\n", 1)[1], end="")
except ssl.SSLCertVerificationError as error:
    print(error.verify_message)
    sys.exit(3)
`;

const cases: [host: string, verdict: "accepted" | RegExp][] = [
  ["api.openai.com", "accepted"],
  ["openai.com", "accepted"],
  ["api.demo.test", "accepted"],
  ["example.org", /permitted subtree violation/],
  ["openai.com.evil.example", /permitted subtree violation/],
  ["127.0.0.1", /excluded subtree violation|permitted subtree violation/],
];

async function tool(cmd: string, args: string[]): Promise<{ code: number; out: string }> {
  const output = await new Deno.Command(cmd, {
    args,
    stdout: "piped",
    stderr: "piped",
    env: { PATH: "/usr/bin:/bin" },
    clearEnv: true,
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: output.code, out: decode(output.stdout) + decode(output.stderr) };
}

async function withConstrainedCa(
  check: (
    caFile: string,
    host: string,
    port: number,
    url: string,
    resolve: string,
  ) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "authsome-nc-" });
  try {
    const ca = await loadOrCreateCa(dir, {
      owner: "test@nc",
      permitted: { dns: ["demo.test", "openai.com"], ip: [] },
    });
    for (const [host] of cases) {
      await using origin = await startLeafOrigin(ca, host);
      await check(ca.paths.cert, host, origin.port, origin.url, origin.resolve);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test(
  { name: "curl refuses a leaf outside the CA's name constraints", ignore: !curl },
  async () => {
    await withConstrainedCa(async (caFile, host, _port, url, resolve) => {
      const args = ["-sS", "--cacert", caFile, url];
      if (host !== "127.0.0.1") args.unshift("--resolve", resolve);
      const result = await tool(curl!, args);
      const verdict = cases.find(([h]) => h === host)![1];
      if (verdict === "accepted") assert.equal(result.out, "hello\n", `${host}: ${result.out}`);
      else {
        assert.equal(result.code, 60, `${host}: curl must fail verification: ${result.out}`);
        assert.match(result.out, verdict, host);
      }
    });
  },
);

Deno.test(
  { name: "Python refuses a leaf outside the CA's name constraints", ignore: !python },
  async () => {
    await withConstrainedCa(async (caFile, host, port) => {
      const result = await tool(python!, ["-c", PYTHON, caFile, host, String(port)]);
      const verdict = cases.find(([h]) => h === host)![1];
      if (verdict === "accepted") assert.equal(result.out, "hello\n", `${host}: ${result.out}`);
      else {
        assert.equal(result.code, 3, `${host}: Python must fail verification: ${result.out}`);
        assert.match(result.out, verdict, host);
      }
    });
  },
);
