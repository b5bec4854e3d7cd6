import assert from "node:assert/strict";
import { authsome, tempHome } from "./helpers/cli.ts";
import { client } from "./helpers/clients.ts";
import { CANARY, e2e } from "./helpers/run.ts";

Deno.test("policy check prints the effective rules of a valid file", async () => {
  await using home = await tempHome();
  const file = `${home.path}/policy.json`;
  await Deno.writeTextFile(
    file,
    JSON.stringify({
      providers: {
        github: { allow: [{ methods: ["GET", "HEAD"], path: "/repos/acme/**" }] },
        openai: { allow: [{ methods: ["POST"], path: "/v1/chat/completions" }], max_requests: 100 },
      },
    }),
  );
  const text = await authsome(["policy", "check", file], { home: home.path });
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /valid policy for 2 provider\(s\)/);
  assert.match(text.stdout, /^github +GET,HEAD:\/repos\/acme\/\*\* +no limit$/m);
  assert.match(text.stdout, /^openai +POST:\/v1\/chat\/completions +100$/m);
  const json = await authsome(["--json", "policy", "check", file], { home: home.path });
  assert.deepEqual(JSON.parse(json.stdout).providers.openai, {
    allow: ["openai:POST:/v1/chat/completions"],
    max_requests: 100,
  });
});

Deno.test("policy check lists every problem with its JSON path and exits 2", async () => {
  await using home = await tempHome();
  const file = `${home.path}/policy.json`;
  await Deno.writeTextFile(
    file,
    JSON.stringify({ providers: { gihub: {}, openai: { allow: [{ metods: ["GET"] }] } } }),
  );
  const result = await authsome(["policy", "check", file], { home: home.path });
  assert.equal(result.code, 2);
  assert.match(
    result.stdout,
    /policy\.json → providers\.gihub: unknown provider "gihub" \(did you mean "github"\?\)/,
  );
  assert.match(
    result.stdout,
    /policy\.json → providers\.openai\.allow\[0\]\.metods: unknown field "metods" \(did you mean "methods"\?\)/,
  );
  const missing = await authsome(["policy", "check", `${home.path}/nope.json`], {
    home: home.path,
  });
  assert.equal(missing.code, 3);
  assert.match(missing.stderr, /Cannot read/);
});

const curl = client("curl", "the policy tests' HTTP client");

/** A child command line: one request with curl, printed as one line, `BODY STATUS`. */
function call(method: string, path: string, extra = ""): string {
  const request =
    `${curl} -s ${extra} -X ${method} -w ' %{http_code}' https://api.openai.com${path}`;
  return `printf '%s\\n' "$(${request} | tr -d '\\n')"`;
}

Deno.test({
  name:
    "--allow: an allowed request gets the credential; another method or path gets 403 and never reaches the origin",
  ignore: !curl,
}, async () => {
  await using t = await e2e(["openai"]);
  const result = await t.run([
    "sh",
    "-c",
    [
      call("GET", "/v1/models/gpt-4o"),
      call("DELETE", "/v1/models/gpt-4o"),
      call("GET", "/v1/files"),
      // Dot segments, plain or encoded, are resolved before the rules see the path.
      call("GET", "/v1/models/../files", "--path-as-is"),
      call("GET", "/v1/models/%2e%2e/files", "--path-as-is"),
    ].join("; "),
  ], { flags: ["--allow", "openai:GET,HEAD:/v1/models/**"] });
  assert.equal(result.code, 0, result.stderr);
  const lines = result.stdout.trim().split("\n");
  assert.match(lines[0], / 200$/);
  for (const line of lines.slice(1)) {
    assert.match(line, / 403$/, line);
    assert.equal(JSON.parse(line.slice(0, -4)).error, "authsome_not_allowed");
  }
  assert.match(lines[1], /DELETE \/v1\/models\/gpt-4o/);
  assert.match(lines[1], /--allow openai:DELETE:\/v1\/models\/gpt-4o/);
  assert.match(lines[3], /GET \/v1\/files/, "the rule saw the resolved path");
  assert.deepEqual(t.origin.seen.map((s) => `${s.method} ${s.path}`), ["GET /v1/models/gpt-4o"]);
  assert.equal(t.origin.seen[0].headers.authorization, `Bearer ${CANARY}`);
  const log = await authsome(["log", "--json"], { home: t.home });
  const entries = log.stdout.trim().split("\n").map((line) => JSON.parse(line));
  assert.equal(entries[0].policy, "openai:GET,HEAD:/v1/models/**");
  assert.deepEqual(entries.slice(1).map((e) => [e.status, e.error, e.injected]), [
    [403, "authsome_not_allowed", false],
    [403, "authsome_not_allowed", false],
    [403, "authsome_not_allowed", false],
    [403, "authsome_not_allowed", false],
  ]);
  const text = await authsome(["log"], { home: t.home });
  assert.match(
    text.stdout,
    /DELETE api\.openai\.com\/v1\/models\/gpt-4o {2}403 .*no --allow rule of the run allows it/,
  );
});

Deno.test({
  name: "--max-requests: the (N+1)-th request gets 429 and the origin sees N",
  ignore: !curl,
}, async () => {
  await using t = await e2e(["openai"]);
  const result = await t.run(
    ["sh", "-c", [1, 2, 3, 4].map(() => call("GET", "/v1/models")).join("; ")],
    { flags: ["--max-requests", "openai=3", "--verbose"] },
  );
  assert.equal(result.code, 0, result.stderr);
  const statuses = result.stdout.trim().split("\n").map((line) => line.slice(-3));
  assert.deepEqual(statuses, ["200", "200", "200", "429"]);
  assert.match(result.stdout, /authsome_budget_exhausted/);
  assert.equal(t.origin.seen.length, 3);
  assert.match(result.stderr, /GET api\.openai\.com\/v1\/models → 429 .*budget/);
});

Deno.test({
  name:
    "--policy: a file with a typo is refused before the child starts (exit 2); flags add to a good file",
  ignore: !curl,
}, async () => {
  await using t = await e2e(["openai"]);
  const bad = `${t.home}/bad-policy.json`;
  await Deno.writeTextFile(bad, JSON.stringify({ providers: { openai: { max_request: 1 } } }));
  const marker = `${t.home}/child-ran`;
  const refused = await authsome(["run", "--policy", bad, "--", "touch", marker], {
    home: t.home,
  });
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /max_request.*did you mean "max_requests"/);
  await assert.rejects(() => Deno.stat(marker), Deno.errors.NotFound);
  const good = `${t.home}/policy.json`;
  await Deno.writeTextFile(
    good,
    JSON.stringify({
      providers: { openai: { allow: [{ methods: ["GET"], path: "/v1/models" }] } },
    }),
  );
  const result = await t.run(
    [
      "sh",
      "-c",
      [call("GET", "/v1/models"), call("POST", "/v1/chat/completions"), call("GET", "/v1/files")]
        .join("; "),
    ],
    { flags: ["--policy", good, "--allow", "openai:POST:/v1/chat/completions"] },
  );
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(result.stdout.trim().split("\n").map((l) => l.slice(-3)), ["200", "200", "403"]);
});
