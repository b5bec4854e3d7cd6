import assert from "node:assert/strict";
import { parseRequestHead } from "./request_head.ts";

/** Each character of `s` as one octet (ISO-8859-1). */
function bytes(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

const R = "GET / HTTP/1.1\r\nHost: a\r\n";

const HOSTILE: [string, string, number, string][] = [
  [
    "bare LF ends the request line (RFC 9112 §2.2)",
    "GET / HTTP/1.1\nHost: a\r\n\r\n",
    400,
    "Bare LF as a line terminator",
  ],
  [
    "bare LF ends a field line (RFC 9112 §2.2)",
    `${R}X: 1\n\r\n`,
    400,
    "Bare LF as a line terminator",
  ],
  ["bare LF ends the head (RFC 9112 §2.2)", `${R}\n`, 400, "Bare LF as a line terminator"],
  [
    "bare LF before the request line (RFC 9112 §2.2)",
    `\n${R}\r\n`,
    400,
    "Bare LF as a line terminator",
  ],
  ["bare CR inside a value (RFC 9112 §2.2)", `${R}X: a\rb\r\n\r\n`, 400, "Bare CR"],
  ["bare CR after the version (RFC 9112 §2.2)", "GET / HTTP/1.1\rHost: a\r\n\r\n", 400, "Bare CR"],
  ["bare CR as the end of the head (RFC 9112 §2.2)", `${R}\rX\r\n\r\n`, 400, "Bare CR"],
  ["bare CR before a field name (RFC 9112 §2.2)", `${R}\rtest: 1\r\n\r\n`, 400, "Bare CR"],
  [
    "obs-fold with SP (RFC 9112 §5.2)",
    `${R}X: a\r\n b\r\n\r\n`,
    400,
    "Obsolete line folding is not accepted",
  ],
  [
    "obs-fold with HTAB (RFC 9112 §5.2)",
    `${R}X: a\r\n\tb\r\n\r\n`,
    400,
    "Obsolete line folding is not accepted",
  ],
  [
    "whitespace before the first field (RFC 9112 §2.2)",
    "GET / HTTP/1.1\r\n Host: a\r\n\r\n",
    400,
    "Obsolete line folding is not accepted",
  ],
  [
    "SP between field name and colon (RFC 9112 §5.1)",
    "GET / HTTP/1.1\r\nHost : a\r\n\r\n",
    400,
    "Whitespace between field name and colon",
  ],
  [
    "HTAB between field name and colon (RFC 9112 §5.1)",
    `${R}X\t: 1\r\n\r\n`,
    400,
    "Whitespace between field name and colon",
  ],
  [
    "field name with a separator (RFC 9110 §5.6.2)",
    `${R}X@Y: 1\r\n\r\n`,
    400,
    "Field name is not a token",
  ],
  [
    "field name with a space inside (RFC 9110 §5.6.2)",
    `${R}X Y: 1\r\n\r\n`,
    400,
    "Whitespace between field name and colon",
  ],
  [
    "field name with obs-text (RFC 9110 §5.6.2)",
    `${R}X\xe9: 1\r\n\r\n`,
    400,
    "Field name is not a token",
  ],
  ["empty field name (RFC 9112 §5)", `${R}: 1\r\n\r\n`, 400, "Empty field name"],
  [
    "field line without a colon (RFC 9112 §5)",
    `${R}Hosta\r\n\r\n`,
    400,
    "Field line without a colon",
  ],
  [
    "NUL in a value (RFC 9110 §5.5)",
    `${R}X: a\x00b\r\n\r\n`,
    400,
    "Control character in a field value",
  ],
  [
    "NUL in a field name (RFC 9110 §5.6.2)",
    `${R}X\x00: 1\r\n\r\n`,
    400,
    "Field name is not a token",
  ],
  [
    "SOH in a value (RFC 9110 §5.5)",
    `${R}X: \x01\r\n\r\n`,
    400,
    "Control character in a field value",
  ],
  [
    "DEL in a value (RFC 9110 §5.5)",
    `${R}X: a\x7f\r\n\r\n`,
    400,
    "Control character in a field value",
  ],
  [
    "ESC in a value (RFC 9110 §5.5)",
    `${R}X: \x1b[31m\r\n\r\n`,
    400,
    "Control character in a field value",
  ],
  [
    "two spaces after the method (RFC 9112 §3)",
    "GET  / HTTP/1.1\r\nHost: a\r\n\r\n",
    400,
    "Empty request target",
  ],
  [
    "space after the version (RFC 9112 §3)",
    "GET / HTTP/1.1 \r\nHost: a\r\n\r\n",
    400,
    "Malformed HTTP version",
  ],
  [
    "HTAB as a separator (RFC 9112 §3)",
    "GET\t/ HTTP/1.1\r\nHost: a\r\n\r\n",
    400,
    "Malformed method",
  ],
  ["leading space (RFC 9112 §3)", " GET / HTTP/1.1\r\nHost: a\r\n\r\n", 400, "Malformed method"],
  [
    "HTTP/0.9 request line (RFC 9112 §3)",
    "GET /\r\n\r\n",
    400,
    "Request line without an HTTP version",
  ],
  [
    "lowercase protocol name (RFC 9112 §2.3)",
    "GET / http/1.1\r\nHost: a\r\n\r\n",
    400,
    "Malformed HTTP version",
  ],
  [
    "two-digit version (RFC 9112 §2.3)",
    "GET / HTTP/1.10\r\nHost: a\r\n\r\n",
    400,
    "Malformed HTTP version",
  ],
  [
    "version without minor (RFC 9112 §2.3)",
    "GET / HTTP/1\r\nHost: a\r\n\r\n",
    400,
    "Malformed HTTP version",
  ],
  [
    "obs-text in the target (RFC 9112 §3.2)",
    "GET /caf\xe9 HTTP/1.1\r\nHost: a\r\n\r\n",
    400,
    "Malformed request target",
  ],
  [
    "DEL in the target (RFC 9112 §3.2)",
    "GET /\x7f HTTP/1.1\r\nHost: a\r\n\r\n",
    400,
    "Malformed request target",
  ],
  [
    "method with a separator (RFC 9112 §3.1)",
    "GE(T / HTTP/1.1\r\nHost: a\r\n\r\n",
    400,
    "Malformed method",
  ],
  [
    "TLS ClientHello on the plain port (RFC 9112 §3)",
    "\x16\x03\x01\x02\x00\x01\x00",
    400,
    "Malformed method",
  ],
  [
    "HTTP/2.0 (RFC 9110 §15.6.6)",
    "GET / HTTP/2.0\r\nHost: a\r\n\r\n",
    505,
    "HTTP version not supported",
  ],
  [
    "HTTP/1.2 (RFC 9110 §15.6.6)",
    "GET / HTTP/1.2\r\nHost: a\r\n\r\n",
    505,
    "HTTP version not supported",
  ],
  [
    "HTTP/0.9 in a request line (RFC 9110 §15.6.6)",
    "GET / HTTP/0.9\r\n\r\n",
    505,
    "HTTP version not supported",
  ],
  [
    "HTTP/2 connection preface (RFC 9113 §3.4)",
    "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
    505,
    "HTTP version not supported",
  ],
  [
    "method longer than any implemented (RFC 9112 §3)",
    `${"A".repeat(33)} / HTTP/1.1\r\n\r\n`,
    501,
    "Method longer than any implemented",
  ],
  [
    "missing Host in HTTP/1.1 (RFC 9112 §3.2)",
    "GET / HTTP/1.1\r\nX: 1\r\n\r\n",
    400,
    "Missing Host field",
  ],
  ["two Host fields (RFC 9112 §3.2)", `${R}host: b\r\n\r\n`, 400, "More than one Host field"],
  [
    "two Host fields in HTTP/1.0 (RFC 9112 §3.2)",
    "GET / HTTP/1.0\r\nHost: a\r\nHost: a\r\n\r\n",
    400,
    "More than one Host field",
  ],
  [
    "two Host fields on CONNECT (RFC 9112 §3.2)",
    "CONNECT a:443 HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
    400,
    "More than one Host field",
  ],
  [
    "Host with a space (RFC 9112 §3.2)",
    "GET / HTTP/1.1\r\nHost: a b\r\n\r\n",
    400,
    "Invalid Host field",
  ],
  [
    "Host with userinfo (RFC 9112 §3.2)",
    "GET / HTTP/1.1\r\nHost: u@a\r\n\r\n",
    400,
    "Invalid Host field",
  ],
  [
    "Host with a port over 65535 (RFC 9112 §3.2)",
    "GET / HTTP/1.1\r\nHost: a:65536\r\n\r\n",
    400,
    "Invalid Host field",
  ],
  [
    "Host with a comma list (RFC 9112 §3.2)",
    "GET / HTTP/1.1\r\nHost: a, b\r\n\r\n",
    400,
    "Invalid Host field",
  ],
  [
    "CONNECT with origin-form (RFC 9112 §3.2.3)",
    "CONNECT /x HTTP/1.1\r\nHost: a\r\n\r\n",
    400,
    "CONNECT target is not host:port",
  ],
  [
    "CONNECT without a port (RFC 9112 §3.2.3)",
    "CONNECT a HTTP/1.1\r\nHost: a\r\n\r\n",
    400,
    "CONNECT target is not host:port",
  ],
  [
    "CONNECT with userinfo (RFC 9112 §3.2.3)",
    "CONNECT u@a:443 HTTP/1.1\r\n\r\n",
    400,
    "CONNECT target is not host:port",
  ],
  [
    "CONNECT with absolute-form (RFC 9112 §3.2.3)",
    "CONNECT http://a:443 HTTP/1.1\r\n\r\n",
    400,
    "CONNECT target is not host:port",
  ],
  [
    "CONNECT with an empty port (RFC 9112 §3.2.3)",
    "CONNECT a: HTTP/1.1\r\n\r\n",
    400,
    "CONNECT target is not host:port",
  ],
  [
    "asterisk-form outside OPTIONS (RFC 9112 §3.2.4)",
    "GET * HTTP/1.1\r\nHost: a\r\n\r\n",
    400,
    "Asterisk target outside OPTIONS",
  ],
  [
    "authority-form outside CONNECT (RFC 9112 §3.2.3)",
    "GET a.com:80 HTTP/1.1\r\nHost: a\r\n\r\n",
    400,
    "Invalid request target",
  ],
  [
    "absolute-form with a non-HTTP scheme (RFC 9112 §3.2.2)",
    "GET ftp://a/ HTTP/1.1\r\n\r\n",
    400,
    "Invalid request target",
  ],
  [
    "absolute-form with userinfo (RFC 9110 §4.2.4)",
    "GET http://a@evil.com/ HTTP/1.1\r\n\r\n",
    400,
    "Invalid request target",
  ],
  [
    "absolute-form with an empty host (RFC 9110 §4.2.1)",
    "GET http:///x HTTP/1.1\r\n\r\n",
    400,
    "Invalid request target",
  ],
  [
    "absolute-form with a fragment (RFC 9112 §3.2.2)",
    "GET http://a#f HTTP/1.1\r\n\r\n",
    400,
    "Invalid request target",
  ],
  [
    "Transfer-Encoding with SP before the colon (RFC 9112 §5.1)",
    `${R}Transfer-Encoding : chunked\r\n\r\n`,
    400,
    "Whitespace between field name and colon",
  ],
];

Deno.test("parseRequestHead() rejects malformed heads with their RFC status", () => {
  for (const [name, raw, status, reason] of HOSTILE) {
    assert.deepEqual(parseRequestHead(bytes(raw)), { kind: "reject", status, reason }, name);
  }
});

Deno.test("parseRequestHead() gives a prefix either incomplete or the final reject", () => {
  for (const [name, raw] of HOSTILE) {
    const all = bytes(raw);
    const final = parseRequestHead(all);
    for (let k = 0; k < all.length; k++) {
      const early = parseRequestHead(all.subarray(0, k));
      if (early.kind !== "incomplete") assert.deepEqual(early, final, `${name} @${k}`);
    }
  }
});
