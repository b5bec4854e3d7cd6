import assert from "node:assert/strict";
import fc from "fast-check";
import { getHeaders, type HeadParse, parseRequestHead, type RequestHead } from "./request_head.ts";

/** Each character of `s` as one octet (ISO-8859-1). */
function bytes(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

function head(
  method: string,
  target: string,
  headers: [string, string][],
  form: RequestHead["form"] = "origin",
  version: RequestHead["version"] = "HTTP/1.1",
): RequestHead {
  return { method, target, version, form, headers };
}

const VALID: [string, string, RequestHead][] = [
  [
    "origin-form GET",
    "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n",
    head("GET", "/", [["Host", "example.com"]]),
  ],
  [
    "query, names as sent, OWS trimmed (RFC 9112 §5.1)",
    "POST /v1/chat?x=1&y=%20 HTTP/1.1\r\nhost: api.openai.com\r\nX-MiXeD:   padded value \t \r\n" +
    "X-Empty:\r\nX-Blank: \t\r\nX-Tab: a\tb\r\n\r\n",
    head("POST", "/v1/chat?x=1&y=%20", [
      ["host", "api.openai.com"],
      ["X-MiXeD", "padded value"],
      ["X-Empty", ""],
      ["X-Blank", ""],
      ["X-Tab", "a\tb"],
    ]),
  ],
  [
    "HTTP/1.0 without Host",
    "GET /index.html HTTP/1.0\r\nUser-Agent: x\r\n\r\n",
    head("GET", "/index.html", [["User-Agent", "x"]], "origin", "HTTP/1.0"),
  ],
  [
    "CONNECT authority-form (RFC 9112 §3.2.3)",
    "CONNECT api.openai.com:443 HTTP/1.1\r\nHost: api.openai.com:443\r\n" +
    "Proxy-Authorization: Basic YTpi\r\n\r\n",
    head("CONNECT", "api.openai.com:443", [
      ["Host", "api.openai.com:443"],
      ["Proxy-Authorization", "Basic YTpi"],
    ], "authority"),
  ],
  [
    "CONNECT to an IPv6 literal, no Host",
    "CONNECT [::1]:8443 HTTP/1.1\r\n\r\n",
    head("CONNECT", "[::1]:8443", [], "authority"),
  ],
  [
    "absolute-form for plain HTTP (RFC 9112 §3.2.2)",
    "GET http://example.com:8080/a?b HTTP/1.1\r\nHost: example.com:8080\r\n\r\n",
    head("GET", "http://example.com:8080/a?b", [["Host", "example.com:8080"]], "absolute"),
  ],
  [
    "absolute-form without a path or Host",
    "GET HTTP://Example.com HTTP/1.1\r\n\r\n",
    head("GET", "HTTP://Example.com", [], "absolute"),
  ],
  [
    "asterisk-form OPTIONS (RFC 9112 §3.2.4)",
    "OPTIONS * HTTP/1.1\r\nHost: example.com\r\n\r\n",
    head("OPTIONS", "*", [["Host", "example.com"]], "asterisk"),
  ],
  [
    "empty lines before the request line are skipped (RFC 9112 §2.2)",
    "\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n",
    head("GET", "/", [["Host", "a"]]),
  ],
  [
    "obs-text kept as ISO-8859-1 (RFC 9110 §5.5)",
    "GET / HTTP/1.1\r\nHost: a\r\nX-Latin: caf\xe9 \x80\xff\r\n\r\n",
    head("GET", "/", [["Host", "a"], ["X-Latin", "caf\xe9 \x80\xff"]]),
  ],
  [
    "extension methods and token names",
    "M-SEARCH /x HTTP/1.1\r\nHost: [::1]:80\r\n!#$%&'*+-.^_`|~09Az: v\r\n\r\n",
    head("M-SEARCH", "/x", [["Host", "[::1]:80"], ["!#$%&'*+-.^_`|~09Az", "v"]]),
  ],
  [
    "Transfer-Encoding with an HTAB as OWS is a valid field",
    "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:\tchunked\r\n\r\n",
    head("POST", "/", [["Host", "a"], ["Transfer-Encoding", "chunked"]]),
  ],
  [
    "empty Host field (RFC 9112 §3.2)",
    "GET / HTTP/1.1\r\nHost:\r\n\r\n",
    head("GET", "/", [["Host", ""]]),
  ],
];

const R = "GET / HTTP/1.1\r\nHost: a\r\n";

Deno.test("parseRequestHead() parses valid heads", () => {
  for (const [name, raw, expected] of VALID) {
    const result = parseRequestHead(bytes(raw + "BODY"));
    assert.deepEqual(result, { kind: "head", head: expected, length: raw.length }, name);
  }
});

Deno.test("parseRequestHead() is incomplete at every split of a valid head, then identical", () => {
  for (const [name, raw] of VALID) {
    const all = bytes(raw);
    for (let k = 0; k < all.length; k++) {
      assert.deepEqual(
        parseRequestHead(all.subarray(0, k)),
        { kind: "incomplete" },
        `${name} @${k}`,
      );
    }
    const whole = parseRequestHead(all);
    assert.equal(whole.kind, "head", name);
    assert.deepEqual(parseRequestHead(bytes(raw + "GET / HTTP/1.1\r\n")), whole, name);
  }
});

Deno.test("parseRequestHead() answers 431 for a head over 64 KiB, even while incomplete", () => {
  const prefix = "GET / HTTP/1.1\r\nHost: a\r\nX: ";
  const filler = (n: number) => "v".repeat(n - prefix.length - 4);
  const exact = bytes(`${prefix}${filler(65536)}\r\n\r\n`);
  assert.equal(exact.length, 65536);
  assert.equal(parseRequestHead(exact).kind, "head");
  const over = bytes(`${prefix}${filler(65537)}\r\n\r\n`);
  assert.equal(parseRequestHead(over).kind, "reject");
  assert.deepEqual(parseRequestHead(over.subarray(0, 65535)), { kind: "incomplete" });
  const status = (b: Uint8Array) => (parseRequestHead(b) as { status?: number }).status;
  assert.equal(status(over.subarray(0, 65536)), 431);
  assert.equal(status(bytes("GET / HTTP/1.1\r\n" + "X: y\r\n".repeat(20000))), 431);
});

Deno.test("parseRequestHead() answers 431 for a request line over 8 KiB", () => {
  const line = (n: number) => `GET /${"a".repeat(n - 14)} HTTP/1.1`;
  assert.equal(line(8192).length, 8192);
  const ok = parseRequestHead(bytes(`${line(8192)}\r\nHost: a\r\n\r\n`));
  assert.equal(ok.kind, "head");
  const long = bytes(`${line(8193)}\r\nHost: a\r\n\r\n`);
  assert.deepEqual(parseRequestHead(long), {
    kind: "reject",
    status: 431,
    reason: "Request line too long",
  });
  assert.equal((parseRequestHead(long.subarray(0, 8194)) as HeadParse).kind, "reject");
  assert.equal(parseRequestHead(long.subarray(0, 8193)).kind, "incomplete");
});

Deno.test("parseRequestHead() honours custom limits", () => {
  const raw = bytes(`${R}A: 1\r\nB: 2\r\n\r\n`);
  assert.equal(parseRequestHead(raw, { maxFields: 3 }).kind, "head");
  const few = parseRequestHead(raw, { maxFields: 2 });
  assert.equal(few.kind === "reject" && few.status, 431);
  const small = parseRequestHead(raw, { maxHeadBytes: 20 });
  assert.equal(small.kind === "reject" && small.status, 431);
  const short = parseRequestHead(raw, { maxRequestLineBytes: 10 });
  assert.equal(short.kind === "reject" && short.reason, "Request line too long");
});

Deno.test("getHeaders() reads fields case-insensitively, every line in order", () => {
  const parsed = parseRequestHead(bytes(`${R}X-A: 1\r\nx-a: 2\r\n\r\n`));
  assert.equal(parsed.kind, "head");
  const h = parsed.kind === "head" ? parsed.head : head("GET", "/", []);
  assert.deepEqual(getHeaders(h, "X-A"), ["1", "2"]);
  assert.deepEqual(getHeaders(h, "missing"), []);
});

Deno.test("parseRequestHead() never throws on random bytes", () => {
  const kinds = new Set(["incomplete", "head", "reject"]);
  const valid = bytes("GET / HTTP/1.1\r\nHost: a\r\n");
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 600 }), fc.boolean(), (random, prefixed) => {
      const input = prefixed ? new Uint8Array([...valid, ...random]) : random;
      const result = parseRequestHead(input);
      assert.ok(kinds.has(result.kind));
      if (result.kind === "head") assert.ok(result.length <= input.length);
      if (result.kind === "reject") assert.ok([400, 431, 501, 505].includes(result.status));
    }),
    { numRuns: 3000 },
  );
});
