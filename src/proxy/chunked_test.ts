import assert from "node:assert/strict";
import fc from "fast-check";
import { ChunkedScanner, type ChunkStep } from "./chunked.ts";

function bytes(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

/** Feeds `input` cut at `cuts`; returns the body length found, or the reject. */
function scan(input: Uint8Array, cuts: number[] = []): number | ChunkStep | "incomplete" {
  const scanner = new ChunkedScanner();
  let offset = 0;
  for (const end of [...cuts, input.length]) {
    const step = scanner.push(input.subarray(offset, end));
    if (step.kind === "reject") return step;
    if (step.done) return offset + step.consumed;
    assert.equal(step.consumed, end - offset);
    offset = end;
  }
  return "incomplete";
}

const VALID: [string, string][] = [
  ["last chunk only", "0\r\n\r\n"],
  ["one chunk", "5\r\nhello\r\n0\r\n\r\n"],
  ["two chunks, upper and lower hex", "A\r\n0123456789\r\nb\r\n0123456789a\r\n0\r\n\r\n"],
  ["leading zeros and several zeros in the last chunk", "0005\r\nhello\r\n000\r\n\r\n"],
  ["data holding CRLF and 0-lines", "7\r\n0\r\n\r\n\r\n\r\n0\r\n\r\n"],
  ["extensions (RFC 9112 §7.1.1)", "5;a;b=c\r\nhello\r\n0;last\r\n\r\n"],
  ["extensions with BWS (RFC 9112 §7.1.1)", "5 ; a = c\t;\tb\r\nhello\r\n0\r\n\r\n"],
  ["quoted extension value (RFC 9110 §5.6.4)", '5;a="x \\" y;z"\r\nhello\r\n0\r\n\r\n'],
  ["trailer fields (RFC 9112 §7.1.2)", "5\r\nhello\r\n0\r\nX-Sum: abc\r\nX-Empty:\r\n\r\n"],
  ["16 hex digits", "0000000000000005\r\nhello\r\n0\r\n\r\n"],
  ["binary data", "3\r\n\x00\r\n\r\n0\r\n\r\n"],
  [
    "long extension and trailer lines",
    `5;${"e".repeat(300)}\r\nhello\r\n0\r\nX-Long: ${"v".repeat(500)}\r\n\r\n`,
  ],
];

Deno.test("ChunkedScanner finds the end of valid bodies at every split", () => {
  for (const [name, body] of VALID) {
    const input = bytes(body + "GET / HTTP/1.1\r\n");
    assert.equal(scan(input), body.length, name);
    for (let k = 0; k <= body.length; k++) {
      assert.equal(scan(input, [k]), body.length, `${name} @${k}`);
    }
    const everyByte = Array.from({ length: input.length - 1 }, (_, i) => i + 1);
    assert.equal(scan(input, everyByte), body.length, `${name} byte by byte`);
    for (let k = 0; k < body.length; k++) {
      assert.equal(scan(bytes(body.slice(0, k))), "incomplete", `${name} prefix ${k}`);
    }
  }
});

const HOSTILE: [string, string, string][] = [
  [
    "chunk size over 16 hex digits (RFC 9112 §7.1)",
    "ffffffffffffffffff\r\n",
    "Chunk size has more than 16 hex digits",
  ],
  ["chunk size over 2^53 (RFC 9112 §7.1)", "20000000000000\r\n", "Chunk size too large"],
  ["0x prefix (RFC 9112 §7.1)", "0x5\r\nhello\r\n0\r\n\r\n", "Malformed chunk size line"],
  ["empty chunk size (RFC 9112 §7.1)", "\r\nhello\r\n", "Chunk size is not hexadecimal"],
  [
    "signed chunk size (RFC 9112 §7.1)",
    "+5\r\nhello\r\n0\r\n\r\n",
    "Chunk size is not hexadecimal",
  ],
  [
    "negative chunk size (RFC 9112 §7.1)",
    "-5\r\nhello\r\n0\r\n\r\n",
    "Chunk size is not hexadecimal",
  ],
  [
    "whitespace before the size (RFC 9112 §7.1)",
    " 5\r\nhello\r\n0\r\n\r\n",
    "Chunk size is not hexadecimal",
  ],
  [
    "whitespace after the size without extension (RFC 9112 §7.1)",
    "5 \r\nhello\r\n0\r\n\r\n",
    "Malformed chunk size line",
  ],
  [
    "bare LF after the size (RFC 9112 §2.2)",
    "5\nhello\r\n0\r\n\r\n",
    "Bare LF as a line terminator",
  ],
  ["bare CR after the size (RFC 9112 §2.2)", "5\rhello\r\n0\r\n\r\n", "Malformed chunk size line"],
  [
    "data longer than its size (RFC 9112 §7.1)",
    "3\r\nhello\r\n0\r\n\r\n",
    "Chunk data not followed by CRLF",
  ],
  [
    "bare LF after data (RFC 9112 §7.1)",
    "5\r\nhello\n0\r\n\r\n",
    "Chunk data not followed by CRLF",
  ],
  ["bare LF ending the body (RFC 9112 §7.1)", "0\r\n\n", "Bare LF as a line terminator"],
  [
    "extension without a name (RFC 9112 §7.1.1)",
    "5;=b\r\nhello\r\n0\r\n\r\n",
    "Chunk extension name is not a token",
  ],
  [
    "extension value with a space (RFC 9112 §7.1.1)",
    "5;a=b c\r\nhello\r\n0\r\n\r\n",
    "Malformed chunk size line",
  ],
  [
    "extension with an empty value (RFC 9112 §7.1.1)",
    "5;a=\r\nhello\r\n0\r\n\r\n",
    "Chunk extension value is not a token",
  ],
  [
    "unterminated quoted value (RFC 9110 §5.6.4)",
    '5;a="x\r\nhello\r\n0\r\n\r\n',
    "Malformed quoted chunk extension value",
  ],
  [
    "trailing whitespace after an extension (RFC 9112 §7.1.1)",
    "5;a \r\nhello\r\n0\r\n\r\n",
    "Malformed chunk size line",
  ],
  [
    "NUL in an extension (RFC 9112 §7.1.1)",
    "5;a\x00\r\nhello\r\n0\r\n\r\n",
    "Malformed chunk size line",
  ],
  [
    "trailer with SP before the colon (RFC 9112 §5.1)",
    "0\r\nX : 1\r\n\r\n",
    "Whitespace between field name and colon in a trailer field",
  ],
  [
    "obs-fold in a trailer (RFC 9112 §5.2)",
    "0\r\nX: 1\r\n 2\r\n\r\n",
    "Obsolete line folding is not accepted in a trailer field",
  ],
  [
    "NUL in a trailer value (RFC 9110 §5.5)",
    "0\r\nX: \x00\r\n\r\n",
    "Control character in a field value in a trailer field",
  ],
  [
    "trailer without a colon (RFC 9112 §7.1.2)",
    "0\r\nX\r\n\r\n",
    "Field line without a colon in a trailer field",
  ],
  ["bare CR in a trailer (RFC 9112 §2.2)", "0\r\nX: a\rb\r\n\r\n", "Bare CR in a trailer field"],
];

Deno.test("ChunkedScanner rejects malformed chunked bodies", () => {
  for (const [name, body, reason] of HOSTILE) {
    const expected = { kind: "reject", status: 400, reason };
    assert.deepEqual(scan(bytes(body)), expected, name);
    for (let k = 0; k <= body.length; k++) {
      assert.deepEqual(scan(bytes(body), [k]), expected, `${name} @${k}`);
    }
  }
});

Deno.test("ChunkedScanner keeps its verdict after the end or a reject", () => {
  const scanner = new ChunkedScanner();
  assert.deepEqual(scanner.push(bytes("0\r\n\r\nGET")), { kind: "body", consumed: 5, done: true });
  assert.ok(scanner.done);
  assert.deepEqual(scanner.push(bytes("more")), { kind: "body", consumed: 0, done: true });
  const bad = new ChunkedScanner();
  const first = bad.push(bytes("z\r\n"));
  assert.equal(first.kind, "reject");
  assert.equal(bad.push(bytes("0\r\n\r\n")), first);
  assert.ok(!bad.done);
});

Deno.test("ChunkedScanner enforces its line and trailer limits", () => {
  const sizeLine = (n: number) => {
    const body = `5;${"a".repeat(n - 2)}\r\nhello\r\n0\r\n\r\n`;
    return new ChunkedScanner({ maxLineBytes: 16 }).push(bytes(body));
  };
  assert.deepEqual(sizeLine(16), { kind: "body", consumed: 30, done: true });
  assert.deepEqual(sizeLine(17), {
    kind: "reject",
    status: 400,
    reason: "Chunk size line too long",
  });
  const trailers = new ChunkedScanner({ maxTrailerBytes: 12 });
  assert.equal(trailers.push(bytes("0\r\nX: 123456\r\n\r\n")).kind, "reject");
  const fits = new ChunkedScanner({ maxTrailerBytes: 12 });
  assert.equal(fits.push(bytes("0\r\nX: 12345\r\n\r\n")).kind, "body");
});

Deno.test("ChunkedScanner never throws on random bytes", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 400 }), fc.nat(400), (input, cut) => {
      const result = scan(input, [Math.min(cut, input.length)]);
      assert.ok(typeof result === "number" || result === "incomplete" || result.kind === "reject");
    }),
    { numRuns: 3000 },
  );
});

Deno.test("ChunkedScanner accepts random valid bodies at random splits", () => {
  const ext = fc.constantFrom("", ";a", ";a=b", ' ; q="x\\"y"', ";n=1;m");
  const chunk = fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 40 }), ext, fc.boolean());
  fc.assert(
    fc.property(fc.array(chunk, { maxLength: 6 }), fc.array(fc.nat(300)), (chunks, cuts) => {
      let body = "";
      for (const [data, e, upper] of chunks) {
        const size = data.length.toString(16);
        body += `${upper ? size.toUpperCase() : size}${e}\r\n${String.fromCharCode(...data)}\r\n`;
      }
      body += "0\r\nX-T: 1\r\n\r\n";
      const input = bytes(body + "NEXT");
      const sorted = cuts.map((c) => Math.min(c, input.length)).sort((a, b) => a - b);
      assert.equal(scan(input, sorted), body.length);
    }),
    { numRuns: 1000 },
  );
});
