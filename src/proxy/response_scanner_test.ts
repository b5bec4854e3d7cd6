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
  scanner.push(
    bytes("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\x81\x05hello"),
  );
  assert.ok(scanner.upgraded);
  assert.equal(seen[0].status, 101);
});
