import assert from "node:assert/strict";
import fc from "fast-check";
import { isAuthsomeError } from "../errors.ts";
import { getHeaders, removeHeaders, serializeHead, setHeader } from "./head_edit.ts";
import { parseRequestHead, type RequestHead } from "./request_head.ts";

function text(b: Uint8Array): string {
  return String.fromCharCode(...b);
}

const BASE: RequestHead = {
  method: "POST",
  target: "/v1/chat/completions",
  version: "HTTP/1.1",
  form: "origin",
  headers: [
    ["Host", "api.openai.com"],
    ["authorization", "Bearer authsome-proxy-managed"],
    ["Accept", "*/*"],
    ["AUTHORIZATION", "Bearer other"],
  ],
};

Deno.test("serializeHead() writes the request line, field lines and the empty line", () => {
  assert.equal(
    text(serializeHead(BASE)),
    "POST /v1/chat/completions HTTP/1.1\r\nHost: api.openai.com\r\n" +
      "authorization: Bearer authsome-proxy-managed\r\nAccept: */*\r\nAUTHORIZATION: Bearer other\r\n\r\n",
  );
  const latin = {
    ...BASE,
    version: "HTTP/1.0" as const,
    headers: [["X", "caf\xe9\t\xff"] as const],
  };
  assert.equal(
    text(serializeHead(latin)),
    "POST /v1/chat/completions HTTP/1.0\r\nX: caf\xe9\t\xff\r\n\r\n",
  );
});

Deno.test("setHeader() replaces every line of the name in place of the first", () => {
  const set = setHeader(BASE, "Authorization", "Bearer sk-real");
  assert.deepEqual(set.headers, [
    ["Host", "api.openai.com"],
    ["Authorization", "Bearer sk-real"],
    ["Accept", "*/*"],
  ]);
  assert.deepEqual(getHeaders(set, "AUTHORIZATION"), ["Bearer sk-real"]);
  assert.equal(BASE.headers.length, 4, "the input head is not modified");
  const added = setHeader(BASE, "x-api-key", "k");
  assert.deepEqual(added.headers.at(-1), ["x-api-key", "k"]);
  assert.equal(added.headers.length, 5);
});

Deno.test("removeHeaders() drops every line of the names, whatever their case", () => {
  const removed = removeHeaders(BASE, new Set(["authorization"]));
  assert.deepEqual(removed.headers, [["Host", "api.openai.com"], ["Accept", "*/*"]]);
  assert.deepEqual(removeHeaders(BASE, new Set(["missing"])).headers, BASE.headers);
  assert.deepEqual(removeHeaders(BASE, new Set(["authorization", "accept"])).headers, [[
    "Host",
    "api.openai.com",
  ]]);
});

Deno.test("setHeader() and serializeHead() refuse header splitting and never echo the value", () => {
  const secret = "sk-SECRET-123";
  const values = [
    `${secret}\r\nX-Injected: 1`,
    `${secret}\n`,
    `${secret}\r`,
    `${secret}\x00`,
    `${secret}\x7f`,
    `${secret}\u0100`,
    ` ${secret}`,
    `${secret}\t`,
  ];
  for (const value of values) {
    assert.throws(() => setHeader(BASE, "Authorization", value), (error: unknown) => {
      assert.ok(isAuthsomeError(error, "invalid"));
      assert.ok(!error.message.includes(secret) && !error.hint?.includes(secret));
      return true;
    }, JSON.stringify(value));
  }
  for (const name of ["", "X Y", "X:", "X\r\nY", "Ä"]) {
    assert.throws(() => setHeader(BASE, name, "v"), (e: unknown) => isAuthsomeError(e, "invalid"));
  }
  const forged: RequestHead[] = [
    { ...BASE, headers: [["X", `${secret}\r\nEvil: 1`]] },
    { ...BASE, headers: [["X\r\nEvil", "1"]] },
    { ...BASE, headers: [["", "1"]] },
    { ...BASE, method: "GET /x HTTP/1.1\r\nEvil:" },
    { ...BASE, method: "" },
    { ...BASE, target: "/a b" },
    { ...BASE, target: "/\u2028" },
    { ...BASE, version: "HTTP/2.0" as RequestHead["version"] },
  ];
  for (const head of forged) {
    assert.throws(() => serializeHead(head), (error: unknown) => {
      assert.ok(isAuthsomeError(error, "invalid"));
      assert.ok(!error.message.includes(secret));
      return true;
    }, JSON.stringify(head));
  }
});

const TCHARS = "[A-Za-z0-9!#$%&'*+.^_`|~-]";
const token = fc.stringMatching(new RegExp(`^${TCHARS}{1,12}$`));
const vchar = "[\\x21-\\x7e\\x80-\\xff]";
const value = fc.stringMatching(
  new RegExp(`^(${vchar}([\\x20\\t]|${vchar}){0,30}${vchar}|${vchar})?$`),
);
const field = fc.tuple(token.filter((n) => n.toLowerCase() !== "host"), value);

Deno.test("serializeHead() output parses back to the same head", () => {
  fc.assert(
    fc.property(
      token,
      fc.stringMatching(/^\/[\x21-\x7e]{0,40}$/),
      fc.constantFrom("HTTP/1.1", "HTTP/1.0") as fc.Arbitrary<RequestHead["version"]>,
      fc.array(field, { maxLength: 12 }),
      (method, target, version, fields) => {
        fc.pre(method !== "CONNECT");
        const head: RequestHead = {
          method,
          target,
          version,
          form: "origin",
          headers: [["Host", "example.com"], ...fields],
        };
        const raw = serializeHead(head);
        assert.deepEqual(parseRequestHead(raw), { kind: "head", head, length: raw.length });
      },
    ),
    { numRuns: 2000 },
  );
});
