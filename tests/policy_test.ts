import assert from "node:assert/strict";
import { authsome, tempHome } from "./helpers/cli.ts";

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
