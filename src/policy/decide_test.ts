import assert from "node:assert/strict";
import { decidePolicy } from "./decide.ts";
import { mergePolicies, OPEN_POLICY, parseAllowFlag } from "./policy.ts";

const known = new Set(["github", "openai", "stripe"]);
const policy = mergePolicies(
  OPEN_POLICY,
  [
    parseAllowFlag("github:GET,HEAD:/repos/acme/**", known),
    parseAllowFlag("openai:POST:/v1/chat/completions", known),
  ],
  [["openai", 2], ["stripe", 1]],
);

Deno.test("decidePolicy() allows what a rule allows, refuses the rest, and counts the budget", () => {
  const rows: [string, string, string, number, string][] = [
    ["github", "GET", "/repos/acme/widgets/issues", 0, "allow github:GET,HEAD:/repos/acme/**"],
    ["github", "HEAD", "/repos/acme", 0, "allow github:GET,HEAD:/repos/acme/**"],
    ["github", "DELETE", "/repos/acme/widgets", 0, "403"],
    ["github", "GET", "/repos/other/widgets", 0, "403"],
    ["github", "GET", "/user", 0, "403"],
    // The proxy passes the canonical path: a walk out of the pattern arrives resolved.
    ["github", "GET", "/admin", 0, "403"],
    ["openai", "POST", "/v1/chat/completions", 0, "allow openai:POST:/v1/chat/completions"],
    ["openai", "POST", "/v1/chat/completions", 1, "allow openai:POST:/v1/chat/completions"],
    ["openai", "POST", "/v1/chat/completions", 2, "429"],
    // A refused request is refused for its rule first, whatever the count.
    ["openai", "GET", "/v1/models", 5, "403"],
    // A budget without rules limits the count only.
    ["stripe", "GET", "/v1/charges", 0, "allow"],
    ["stripe", "GET", "/v1/charges", 1, "429"],
    // A provider with neither is not limited.
    ["anthropic", "DELETE", "/v1/anything", 1000, "allow"],
  ];
  for (const [provider, method, path, count, expected] of rows) {
    const d = decidePolicy(policy, provider, method, path, count);
    const got = d.kind === "allow" ? ["allow", d.rule].filter(Boolean).join(" ") : String(d.status);
    assert.equal(got, expected, `${provider} ${method} ${path} #${count}`);
  }
});

Deno.test("decidePolicy() names the method, the path and the rule that would allow it", () => {
  const d = decidePolicy(policy, "github", "DELETE", "/repos/acme/widgets", 0);
  assert.equal(d.kind, "refuse");
  if (d.kind !== "refuse") return;
  assert.equal(d.code, "authsome_not_allowed");
  assert.match(d.message, /DELETE \/repos\/acme\/widgets/);
  assert.match(d.message, /--allow github:DELETE:\/repos\/acme\/widgets/);
  const b = decidePolicy(policy, "openai", "POST", "/v1/chat/completions", 2);
  assert.equal(b.kind === "refuse" && b.code, "authsome_budget_exhausted");
  assert.match(b.kind === "refuse" ? b.message : "", /--max-requests openai=2/);
});
