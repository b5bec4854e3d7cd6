import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { loadOrCreateCa } from "./ca.ts";
import {
  constraintsFrom,
  coveringDomain,
  decodeNameConstraints,
  encodeNameConstraints,
  nameConstraintsOf,
  type NameNeed,
  permits,
  uncovered,
} from "./name_constraints.ts";
import { tempDir, x509Text } from "./_testing.ts";

const dns = (name: string, provider = "p"): NameNeed => ({ provider, kind: "dns", name });

Deno.test("constraintsFrom() sorts, deduplicates and drops domains inside others", () => {
  const table: [NameNeed[], { dns: string[]; ip: string[] }][] = [
    [[dns("openai.com"), dns("openai.com", "q")], { dns: ["openai.com"], ip: [] }],
    [
      [dns("generativelanguage.googleapis.com"), dns("googleapis.com")],
      { dns: ["googleapis.com"], ip: [] },
    ],
    [[dns("x.ai"), dns("ax.ai")], { dns: ["ax.ai", "x.ai"], ip: [] }],
    [
      [{ provider: "p", kind: "ip", name: "10.0.0.2" }, dns("demo.test")],
      { dns: ["demo.test"], ip: ["10.0.0.2"] },
    ],
  ];
  for (const [needs, expected] of table) assert.deepEqual(constraintsFrom(needs), expected);
});

Deno.test("permits() matches whole labels below a domain (RFC 5280 §4.2.1.10)", () => {
  const c = { dns: ["openai.com", "api.mailchimp.com"], ip: ["127.0.0.1"] };
  const table: [string, "dns" | "ip", boolean][] = [
    ["openai.com", "dns", true],
    ["api.openai.com", "dns", true],
    ["a.b.openai.com", "dns", true],
    ["evilopenai.com", "dns", false],
    ["openai.com.evil.com", "dns", false],
    ["us6.api.mailchimp.com", "dns", true],
    ["mailchimp.com", "dns", false],
    ["127.0.0.1", "ip", true],
    ["127.0.0.2", "ip", false],
  ];
  for (const [name, kind, expected] of table) {
    assert.equal(permits(c, { kind, name }), expected, `${kind} ${name}`);
  }
});

Deno.test("coveringDomain() names the widest subtree holding a name, by whole labels", () => {
  const constraints = { dns: ["acme.dev", "api.acme.dev", "bench.test"], ip: ["127.0.0.1"] };
  const cases: [string, string | null][] = [
    ["acme.dev", "acme.dev"],
    ["x.api.acme.dev", "acme.dev"],
    ["a.bench.test", "bench.test"],
    ["notacme.dev", null],
    ["dev", null],
    ["openai.com", null],
  ];
  for (const [name, want] of cases) assert.equal(coveringDomain(constraints, name), want, name);
});

Deno.test("uncovered() names each provider's missing name once", () => {
  const c = { dns: ["openai.com"], ip: [] };
  assert.deepEqual(
    uncovered([dns("openai.com", "openai"), dns("demo.test", "demo"), dns("demo.test", "demo")], c),
    [dns("demo.test", "demo")],
  );
});

Deno.test("encodeNameConstraints() round-trips and excludes every IP unless one is permitted", () => {
  for (
    const c of [
      { dns: ["demo.test", "openai.com"], ip: [] },
      { dns: ["openai.com"], ip: ["127.0.0.1"] },
      { dns: [], ip: ["10.1.2.3"] },
    ]
  ) {
    assert.deepEqual(decodeNameConstraints(encodeNameConstraints(c)), c);
  }
  assert.throws(() => encodeNameConstraints({ dns: [], ip: [] }), /at least one/);
  assert.throws(() => encodeNameConstraints({ dns: [], ip: ["1.2.3"] }), /not an IPv4/);
});

Deno.test("a constrained CA carries a critical extension openssl reads back", async () => {
  await using tmp = await tempDir();
  const permitted = { dns: ["demo.test", "openai.com"], ip: [] };
  const ca = await loadOrCreateCa(tmp.path, { owner: "alice@laptop", permitted });
  assert.deepEqual(ca.permitted, permitted);
  assert.deepEqual(
    nameConstraintsOf(new Uint8Array(new X509Certificate(ca.certPem).raw)),
    permitted,
  );
  const text = await x509Text(ca.certPem);
  assert.match(
    text,
    /Name Constraints: critical\s+Permitted:\s+DNS:demo\.test\s+DNS:openai\.com\s+Excluded:\s+IP:0\.0\.0\.0\/0\.0\.0\.0\s+IP:0:0:0:0:0:0:0:0\/0:0:0:0:0:0:0:0/,
  );
  const again = await loadOrCreateCa(tmp.path);
  assert.deepEqual(again.permitted, permitted, "read back from the certificate on load");
});

Deno.test("nameConstraintsOf() is undefined for an unconstrained CA", async () => {
  await using tmp = await tempDir();
  const ca = await loadOrCreateCa(tmp.path);
  assert.equal(ca.permitted, undefined);
});
