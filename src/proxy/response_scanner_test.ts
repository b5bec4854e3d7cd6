import assert from "node:assert/strict";
import { ResponseScanner, type ResponseSeen } from "./response_scanner.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

function scan(
  methods: string[],
  stream: string,
  splitEvery = Infinity,
  end = false,
): ResponseSeen[] {
  const seen: ResponseSeen[] = [];
  const scanner = new ResponseScanner((r) => seen.push(r));
  for (const m of methods) scanner.expect(m);
  const all = bytes(stream);
  for (let i = 0; i < all.length; i += splitEvery === Infinity ? all.length : splitEvery) {
    scanner.push(all.subarray(i, i + (splitEvery === Infinity ? all.length : splitEvery)));
  }
  if (end) scanner.end();
  return seen;
}

const pipelined = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello" +
  "HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n" +
  "HTTP/1.1 204 No Content\r\n\r\n" +
  "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n";

Deno.test("ResponseScanner frames pipelined responses by length, chunks, HEAD and 204", () => {
  const expected = [
    { status: 200, bytes: 43 },
    { status: 404, bytes: 67 },
    { status: 204, bytes: 27 },
    { status: 200, bytes: 39 },
  ];
  for (const split of [Infinity, 1, 3, 7]) {
    assert.deepEqual(
      scan(["GET", "POST", "DELETE", "HEAD"], pipelined, split),
      expected,
      `split ${split}`,
    );
  }
});

Deno.test("ResponseScanner skips 1xx, ends close-delimited bodies at end(), and notices 101", () => {
  assert.deepEqual(
    scan(["GET"], "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n\r\nstream", 4, true),
    [
      { status: 200, bytes: 25 + 19 + 6 },
    ],
  );
  const seen: ResponseSeen[] = [];
  const scanner = new ResponseScanner((r) => seen.push(r));
  scanner.expect("GET");
  const passed = scanner.push(
    bytes("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\x81\x05hello"),
  );
  // After a 101 the bytes are another protocol's: passed on whole, never framed as HTTP.
  assert.equal(new TextDecoder("latin1").decode(passed).endsWith("\x81\x05hello"), true);
  assert.equal(seen[0].status, 101);
});

const SECRET = "sk-secret-0123456789";

function filtered(stream: string, split: number, methods = ["GET"]): string {
  const scanner = new ResponseScanner(() => {});
  for (const m of methods) scanner.expect(m);
  scanner.mask([SECRET, encodeURIComponent(`${SECRET}/x`)]);
  const all = bytes(stream);
  let out = "";
  const decoder = new TextDecoder("latin1");
  for (let i = 0; i < all.length; i += split) {
    out += decoder.decode(scanner.push(all.slice(i, i + split)));
  }
  return out + decoder.decode(scanner.end());
}

Deno.test("ResponseScanner masks injected values in heads and identity bodies, at every split", () => {
  const mask = "*".repeat(SECRET.length);
  const rows: [string, string][] = [
    [
      `HTTP/1.1 302 Found\r\nLocation: /next?key=${SECRET}\r\nContent-Length: 0\r\n\r\n`,
      `HTTP/1.1 302 Found\r\nLocation: /next?key=authsome-proxy-managed\r\nContent-Length: 0\r\n\r\n`,
    ],
    [
      `HTTP/1.1 200 OK\r\nContent-Length: ${SECRET.length + 4}\r\n\r\nk=${SECRET};\n`,
      `HTTP/1.1 200 OK\r\nContent-Length: ${SECRET.length + 4}\r\n\r\nk=${mask};\n`,
    ],
    [
      `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n16\r\n[${SECRET}]\r\n0\r\n\r\n`,
      `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n16\r\n[${mask}]\r\n0\r\n\r\n`,
    ],
    [
      `HTTP/1.1 200 OK\r\n\r\nclose-delimited ${SECRET}`,
      `HTTP/1.1 200 OK\r\n\r\nclose-delimited ${mask}`,
    ],
    [
      `HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: ${SECRET.length}\r\n\r\n${SECRET}`,
      `HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: ${SECRET.length}\r\n\r\n${SECRET}`,
    ],
    [
      `HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nsk-se`,
      `HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nsk-se`,
    ],
  ];
  for (const [input, want] of rows) {
    for (const split of [input.length, 1, 2, 5, 13]) {
      assert.equal(filtered(input, split), want, `split ${split}: ${input}`);
    }
  }
});
