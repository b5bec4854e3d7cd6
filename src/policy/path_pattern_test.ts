import assert from "node:assert/strict";
import { compilePathPattern, matchPath, pathPatternProblem } from "./path_pattern.ts";

Deno.test("matchPath() matches segment by segment", () => {
  const rows: [string, string, boolean][] = [
    ["/v1/chat/completions", "/v1/chat/completions", true],
    ["/v1/chat/completions", "/v1/chat/completions/", false],
    ["/v1/chat/completions", "/v1/chat", false],
    ["/repos/*/issues", "/repos/acme/issues", true],
    ["/repos/*/issues", "/repos/acme/x/issues", false],
    ["/repos/*/issues", "/repos//issues", true],
    ["/repos/acme/**", "/repos/acme", true],
    ["/repos/acme/**", "/repos/acme/", true],
    ["/repos/acme/**", "/repos/acme/widgets/issues/3", true],
    ["/repos/acme/**", "/repos/acmeco/widgets", false],
    ["/repos/acme/**", "/repos", false],
    ["/**", "/anything/at/all", true],
    ["/**/issues", "/repos/acme/issues", true],
    ["/**/issues", "/issues", true],
    ["/**/issues", "/repos/acme/pulls", false],
    ["/v1/*.json", "/v1/models.json", true],
    ["/v1/*.json", "/v1/models.jsonx", false],
    ["/v1/a.b", "/v1/aXb", false],
    // The pattern sees the canonical path; case and percent-encoding are compared as they are.
    ["/repos/acme/**", "/Repos/acme/x", false],
    ["/repos/acme/**", "/repos/%61cme/x", false],
  ];
  for (const [pattern, path, expected] of rows) {
    assert.equal(matchPath(compilePathPattern(pattern), path), expected, `${pattern} ~ ${path}`);
  }
});

Deno.test("pathPatternProblem() names what is wrong with a pattern", () => {
  assert.equal(pathPatternProblem("/repos/acme/**"), undefined);
  assert.equal(pathPatternProblem("/"), undefined);
  assert.match(pathPatternProblem("repos/**")!, /must start with "\/"/);
  assert.match(pathPatternProblem("/v1/x?y=1")!, /path only/);
  assert.match(pathPatternProblem("/repos/a**")!, /stands alone/);
  assert.match(pathPatternProblem("/repos/../admin")!, /dot segment/);
});
