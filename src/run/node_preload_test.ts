import assert from "node:assert/strict";
import { nodeOptions, nodePreloadSource } from "./node_preload.ts";

Deno.test("nodeOptions() keeps the user's options first and quotes the preload path", () => {
  const cases: [string | undefined, string, string][] = [
    [undefined, "/h/runs/r/node/preload.cjs", '--require "/h/runs/r/node/preload.cjs"'],
    ["", "/p.cjs", '--require "/p.cjs"'],
    [
      " --max-old-space-size=4096 ",
      "/p.cjs",
      '--max-old-space-size=4096 --require "/p.cjs"',
    ],
    ["--inspect", '/my home/"q"\\x.cjs', '--inspect --require "/my home/\\"q\\"\\\\x.cjs"'],
  ];
  for (const [parent, path, expected] of cases) {
    assert.equal(nodeOptions(parent, path), expected, `${parent} ${path}`);
  }
});

Deno.test("nodePreloadSource() is valid JavaScript that does nothing without a proxy", () => {
  const run = new Function("process", "require", "__dirname", nodePreloadSource());
  const required: string[] = [];
  run({ env: {}, versions: { node: "20.0.0" } }, (name: string) => required.push(name), "/x");
  assert.deepEqual(required, []);
});
