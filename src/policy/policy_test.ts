import assert from "node:assert/strict";
import { isAuthsomeError } from "../errors.ts";
import { checkPolicyText } from "./policy_file.ts";
import { mergePolicies, OPEN_POLICY, parseAllowFlag, parseBudgetFlag } from "./policy.ts";

const known = new Set(["github", "openai"]);

Deno.test("parseAllowFlag() reads PROVIDER[:METHODS][:PATH]", () => {
  const rows: [string, string, string | undefined, string | undefined][] = [
    ["github", "github", undefined, undefined],
    ["github:GET", "github:GET", "GET", undefined],
    ["github:get,head", "github:GET,HEAD", "GET,HEAD", undefined],
    ["github:/repos/**", "github:/repos/**", undefined, "/repos/**"],
    [
      "github:GET,HEAD:/repos/acme/**",
      "github:GET,HEAD:/repos/acme/**",
      "GET,HEAD",
      "/repos/acme/**",
    ],
    ["github:*:/repos/**", "github:*:/repos/**", undefined, "/repos/**"],
  ];
  for (const [flag, text, methods, path] of rows) {
    const rule = parseAllowFlag(flag, known);
    assert.equal(rule.text, text, flag);
    assert.equal(rule.methods?.join(","), methods, flag);
    assert.equal(rule.path?.text, path, flag);
  }
});

Deno.test("parseAllowFlag() and parseBudgetFlag() refuse bad flags with a usage error", () => {
  const rows: [() => unknown, RegExp][] = [
    [
      () => parseAllowFlag("gihub:GET", known),
      /unknown provider "gihub" \(did you mean "github"\?\)/,
    ],
    [() => parseAllowFlag("github:GET:repos", known), /must start with "\/"/],
    [() => parseAllowFlag("github:GE T", known), /not an HTTP method/],
    [() => parseAllowFlag("github:GET:/a/../b", known), /dot segment/],
    [() => parseBudgetFlag("openai", known), /must be PROVIDER=N/],
    [() => parseBudgetFlag("openai=-1", known), /must be PROVIDER=N/],
    [() => parseBudgetFlag("openai=1.5", known), /must be PROVIDER=N/],
    [() => parseBudgetFlag("opnai=3", known), /did you mean "openai"/],
  ];
  for (const [fn, message] of rows) {
    assert.throws(fn, (e) => isAuthsomeError(e, "usage") && message.test(e.message));
  }
  assert.deepEqual(parseBudgetFlag("openai=0", known), ["openai", 0]);
});

Deno.test("checkPolicyText() lists every problem with its JSON path", () => {
  const text = JSON.stringify({
    providers: {
      github: { allow: [{ method: ["GET"], path: "repos" }], max_requests: 1.5 },
      opnai: { max_requests: 3 },
    },
  });
  const result = checkPolicyText(text, known);
  assert.equal(result.ok, false);
  const problems = result.ok ? [] : result.problems.map((p) => `${p.path}: ${p.message}`);
  assert.deepEqual(problems.sort(), [
    'providers.github.allow[0].method: unknown field "method" (did you mean "methods"?)',
    'providers.github.allow[0].path: path "repos" must start with "/"',
    "providers.github.max_requests: must be a whole number",
    'providers.opnai: unknown provider "opnai" (did you mean "openai"?)',
  ]);
  const second = checkPolicyText(JSON.stringify({ providers: { opnai: {} } }), known);
  assert.deepEqual(second.ok ? [] : second.problems, [
    { path: "providers.opnai", message: 'unknown provider "opnai" (did you mean "openai"?)' },
  ]);
  const bad = checkPolicyText("{", known);
  assert.match(bad.ok ? "" : bad.problems[0].message, /not valid JSON/);
});

Deno.test("mergePolicies(): flags add rules to the file's, and the smaller budget holds", () => {
  const file = checkPolicyText(
    JSON.stringify({
      providers: { github: { allow: [{ methods: ["GET"] }], max_requests: 10 } },
    }),
    known,
  );
  assert.ok(file.ok);
  const merged = mergePolicies(
    file.ok ? file.policy : OPEN_POLICY,
    [parseAllowFlag("github:POST:/graphql", known)],
    [["github", 50], ["openai", 5]],
  );
  assert.deepEqual(merged.rules.get("github")?.map((r) => r.text), [
    "github:GET",
    "github:POST:/graphql",
  ]);
  assert.equal(merged.budgets.get("github"), 10);
  assert.equal(merged.budgets.get("openai"), 5);
});
