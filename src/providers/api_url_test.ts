import assert from "node:assert/strict";
import { compileHostRegex, describeRoute, parseApiUrl } from "./api_url.ts";

Deno.test("parseApiUrl() accepts the three forms", () => {
  const cases: [string, string, number, string][] = [
    ["api.openai.com", "api.openai.com", 443, ""],
    ["API.OpenAI.com.", "api.openai.com", 443, ""],
    ["api.example.com:8443", "api.example.com", 8443, ""],
    ["https://api.example.com", "api.example.com", 443, ""],
    ["https://api.example.com/", "api.example.com", 443, ""],
    ["https://api.example.com/v2", "api.example.com", 443, "/v2"],
    ["https://api.example.com:9443/v2/", "api.example.com", 9443, "/v2"],
  ];
  for (const [input, host, port, prefix] of cases) {
    const spec = parseApiUrl(input);
    assert.deepEqual(spec.host, { kind: "exact", host }, input);
    assert.equal(spec.port, port, input);
    assert.equal(spec.pathPrefix, prefix, input);
  }
});

Deno.test("parseApiUrl() rejects what is not a host, an https URL or a regex", () => {
  const cases: [string, RegExp][] = [
    ["http://api.example.com", /must use https/],
    ["https://user:pw@api.example.com", /credentials/],
    ["https://api.example.com/?q=1", /query/],
    ["api example.com", /not a host name/],
    ["api.example.com:0", /invalid port/],
    ["api.example.com:99999", /invalid port/],
    ["-bad.example.com", /not a host name/],
    ["regex:(", /not a valid regular expression/],
  ];
  for (const [input, message] of cases) assert.throws(() => parseApiUrl(input), message, input);
});

Deno.test("compileHostRegex() anchors and ignores case", () => {
  const rule = compileHostRegex("[a-z0-9-]+\\.googleapis\\.com");
  assert.equal(rule.kind, "regex");
  if (rule.kind !== "regex") return;
  assert.equal(rule.domain, "googleapis.com");
  assert.ok(rule.regex.test("www.googleapis.com"));
  assert.ok(rule.regex.test("Storage.GoogleAPIs.com"));
  assert.ok(!rule.regex.test("www.googleapis.com.evil.com"));
  assert.ok(!rule.regex.test("xgoogleapis.com"));
  assert.ok(!rule.regex.test("googleapis.com"));
});

Deno.test("compileHostRegex() rejects patterns that could match look-alike hosts", () => {
  const lookalikes = [
    ".*googleapis.*",
    "googleapis\\.com.*",
    "[a-z.]+googleapis\\.com",
    "api\\.github\\.com|.*",
    "(api|evil)\\.github\\.com|x",
    ".*\\.com",
    "api\\.github\\.com\\.?",
    "(.*\\.github\\.com)?",
    "api.github.com",
  ];
  for (const source of lookalikes) {
    assert.throws(() => compileHostRegex(source), /look-alike/, source);
  }
});

Deno.test("compileHostRegex() accepts anchored patterns ending in a literal domain", () => {
  for (
    const source of [
      "^api[0-9]+\\.github\\.com$",
      "us[0-9]+\\.api\\.mailchimp\\.com",
      "(eu|us)\\.api\\.x\\.io",
    ]
  ) {
    assert.equal(compileHostRegex(source).kind, "regex", source);
  }
});

Deno.test("describeRoute() shows port and path only when they matter", () => {
  assert.equal(describeRoute(parseApiUrl("https://api.example.com/v2")), "api.example.com/v2");
  assert.equal(describeRoute(parseApiUrl("api.example.com:8443")), "api.example.com:8443");
  assert.equal(describeRoute(parseApiUrl("regex:^a\\.b\\.com$")), "regex:^a\\.b\\.com$");
});
