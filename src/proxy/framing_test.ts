import assert from "node:assert/strict";
import { type BodyFraming, bodyFraming } from "./framing.ts";
import { parseRequestHead } from "./request_head.ts";

function frame(fields: string, requestLine = "POST / HTTP/1.1"): BodyFraming {
  const raw = `${requestLine}\r\nHost: a\r\n${fields}\r\n`;
  const parsed = parseRequestHead(Uint8Array.from(raw, (c) => c.charCodeAt(0)));
  assert.equal(parsed.kind, "head", raw);
  if (parsed.kind !== "head") throw new Error("unreachable");
  return bodyFraming(parsed.head);
}

const NONE = { kind: "none" };
const CHUNKED = { kind: "chunked" };
const length = (n: number) => ({ kind: "length", length: n });
const bad = (reason: string, status = 400) => ({ kind: "reject", status, reason });

const CASES: [string, string, unknown, string?][] = [
  ["no body fields (RFC 9112 §6.3 (7))", "", NONE],
  ["Content-Length (RFC 9112 §6.3 (6))", "Content-Length: 5\r\n", length(5)],
  ["Content-Length zero", "Content-Length: 0\r\n", NONE],
  ["Content-Length with leading zeros (RFC 9110 §8.6)", "content-length: 007\r\n", length(7)],
  ["largest exact Content-Length", "Content-Length: 9007199254740991\r\n", length(2 ** 53 - 1)],
  ["Content-Length with OWS", "Content-Length:\t 12 \r\n", length(12)],
  ["chunked (RFC 9112 §6.3 (4))", "Transfer-Encoding: chunked\r\n", CHUNKED],
  ["chunked in any case (RFC 9112 §7)", "Transfer-encoding: cHuNkEd\r\n", CHUNKED],
  ["chunked after an HTAB (OWS)", "Transfer-Encoding:\tchunked\r\n", CHUNKED],
  ["chunked with trailing OWS", "Transfer-Encoding: chunked \t\r\n", CHUNKED],
  ["chunked on a GET", "Transfer-Encoding: chunked\r\n", CHUNKED, "GET /x HTTP/1.1"],
  ["CONNECT with Content-Length: 0", "Content-Length: 0\r\n", NONE, "CONNECT a:443 HTTP/1.1"],
  [
    "CL.TE (RFC 9112 §6.3 (3))",
    "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n",
    bad("Both Transfer-Encoding and Content-Length"),
  ],
  [
    "TE.CL (RFC 9112 §6.3 (3))",
    "Transfer-Encoding: chunked\r\nContent-Length: 4\r\n",
    bad("Both Transfer-Encoding and Content-Length"),
  ],
  [
    "TE with CL 0 (RFC 9112 §6.3 (3))",
    "Transfer-Encoding: chunked\r\nContent-Length: 0\r\n",
    bad("Both Transfer-Encoding and Content-Length"),
  ],
  [
    "TE.TE: chunked then x (RFC 9112 §6.3 (4))",
    "Transfer-Encoding: chunked\r\nTransfer-Encoding: x\r\n",
    bad("Transfer-Encoding does not end with chunked"),
  ],
  [
    "TE.TE: chunked twice (RFC 9112 §6.1)",
    "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n",
    bad("Transfer-Encoding applies chunked more than once"),
  ],
  [
    "chunked listed twice (RFC 9112 §6.1)",
    "Transfer-Encoding: chunked, chunked\r\n",
    bad("Transfer-Encoding applies chunked more than once"),
  ],
  [
    "chunked, identity (RFC 9112 §6.3 (4))",
    "Transfer-Encoding: chunked, identity\r\n",
    bad("Transfer-Encoding does not end with chunked"),
  ],
  [
    "identity alone (RFC 9112 §6.3 (4))",
    "Transfer-Encoding: identity\r\n",
    bad("Transfer-Encoding does not end with chunked"),
  ],
  [
    "xchunked (RFC 9112 §6.3 (4))",
    "Transfer-Encoding: xchunked\r\n",
    bad("Transfer-Encoding does not end with chunked"),
  ],
  [
    "chunked with a trailing comma (strict)",
    "Transfer-Encoding: chunked,\r\n",
    bad("Transfer-Encoding does not end with chunked"),
  ],
  [
    "chunked with a parameter (RFC 9112 §7)",
    "Transfer-Encoding: chunked;q=1\r\n",
    bad("Transfer-Encoding does not end with chunked"),
  ],
  [
    "chunked with NBSP (obs-text)",
    "Transfer-Encoding: chunked\xa0\r\n",
    bad("Transfer-Encoding does not end with chunked"),
  ],
  [
    "empty Transfer-Encoding",
    "Transfer-Encoding:\r\n",
    bad("Transfer-Encoding does not end with chunked"),
  ],
  [
    "empty list element before chunked (strict)",
    "Transfer-Encoding: , chunked\r\n",
    bad("Malformed Transfer-Encoding"),
  ],
  [
    "gzip, chunked (RFC 9112 §6.1: 501)",
    "Transfer-Encoding: gzip, chunked\r\n",
    bad("Transfer coding not implemented", 501),
  ],
  [
    "gzip and chunked on two lines (RFC 9112 §6.1)",
    "Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n",
    bad("Transfer coding not implemented", 501),
  ],
  [
    "TE in HTTP/1.0 (RFC 9112 §6.1)",
    "Transfer-Encoding: chunked\r\n",
    bad("Transfer-Encoding in an HTTP/1.0 request"),
    "POST / HTTP/1.0",
  ],
  [
    "CONNECT with a body length (RFC 9110 §9.3.6)",
    "Content-Length: 5\r\n",
    bad("CONNECT request with a body"),
    "CONNECT a:443 HTTP/1.1",
  ],
  [
    "CONNECT with chunked (RFC 9110 §9.3.6)",
    "Transfer-Encoding: chunked\r\n",
    bad("CONNECT request with a body"),
    "CONNECT a:443 HTTP/1.1",
  ],
  [
    "Content-Length list 1, 2 (RFC 9112 §6.3 (5))",
    "Content-Length: 1, 2\r\n",
    bad("Invalid Content-Length"),
  ],
  [
    "Content-Length list 5, 5 (strict, RFC 9110 §8.6)",
    "Content-Length: 5, 5\r\n",
    bad("Invalid Content-Length"),
  ],
  [
    "two Content-Length lines (RFC 9112 §6.3 (5))",
    "Content-Length: 5\r\nContent-Length: 6\r\n",
    bad("More than one Content-Length field"),
  ],
  [
    "two identical Content-Length lines (strict)",
    "Content-Length: 5\r\ncontent-length: 5\r\n",
    bad("More than one Content-Length field"),
  ],
  ["Content-Length +5 (RFC 9110 §8.6)", "Content-Length: +5\r\n", bad("Invalid Content-Length")],
  ["Content-Length -1 (RFC 9110 §8.6)", "Content-Length: -1\r\n", bad("Invalid Content-Length")],
  [
    "Content-Length in hex (RFC 9110 §8.6)",
    "Content-Length: 0x10\r\n",
    bad("Invalid Content-Length"),
  ],
  [
    "Content-Length with an exponent (RFC 9110 §8.6)",
    "Content-Length: 1e3\r\n",
    bad("Invalid Content-Length"),
  ],
  [
    "Content-Length with inner space (RFC 9110 §8.6)",
    "Content-Length: 1 2\r\n",
    bad("Invalid Content-Length"),
  ],
  ["empty Content-Length (RFC 9110 §8.6)", "Content-Length:\r\n", bad("Invalid Content-Length")],
  [
    "Content-Length of 2^53 (RFC 9110 §8.6)",
    "Content-Length: 9007199254740992\r\n",
    bad("Content-Length too large"),
  ],
  [
    "Content-Length of 17 digits (RFC 9110 §8.6)",
    "Content-Length: 00000000000000005\r\n",
    bad("Invalid Content-Length"),
  ],
];

Deno.test("bodyFraming() frames requests by RFC 9112 §6.3 and rejects ambiguity", () => {
  for (const [name, fields, expected, requestLine] of CASES) {
    assert.deepEqual(frame(fields, requestLine), expected, name);
  }
});
