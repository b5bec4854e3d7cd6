import assert from "node:assert/strict";
import {
  importCycles,
  importsOf,
  loudModules,
  stripComments,
  testOnlyExports,
  testsWithoutAssertions,
} from "./rules.ts";

const f = (path: string, text: string) => ({ path, text });

Deno.test("importsOf() resolves relative imports, dynamic ones and re-exports", () => {
  const file = f(
    "src/cli/mod.ts",
    `import { a } from "./args.ts";\nimport type { B } from "../proxy/b.ts";\n` +
      `export { c } from "./c.ts";\nconst m = () => import("./commands/run.ts");\n` +
      `import { z } from "zod";\n// import { x } from "./commented.ts";\n`,
  );
  assert.deepEqual(importsOf(file), [
    "src/cli/args.ts",
    "src/proxy/b.ts",
    "src/cli/c.ts",
    "src/cli/commands/run.ts",
  ]);
});

Deno.test("importCycles() finds cycles among src files, type imports included, tests left out", () => {
  const files = [
    f("src/a.ts", `import { b } from "./b.ts";`),
    f("src/b.ts", `import type { A } from "./a.ts";`),
    f("src/c.ts", `import { a } from "./a.ts";`),
    f("src/c_test.ts", `import { c } from "./c.ts";`),
    f("src/d.ts", `import { x } from "./d_test.ts";`),
  ];
  assert.deepEqual(importCycles(files), [
    { file: "src/a.ts", rule: "import cycle: src/a.ts -> src/b.ts" },
  ]);
});

Deno.test("testOnlyExports() flags exports only tests use, or nothing uses", () => {
  const files = [
    f(
      "src/x.ts",
      "export function used() {}\nexport function forTests() {}\nexport const dead = 1;\n" +
        "export function inner() {}\nexport function caller() { return inner(); }\n",
    ),
    f(
      "src/y.ts",
      `import { used, caller } from "./x.ts";\nused(); caller();\n` +
        `export { forTests } from "./x.ts";\n`,
    ),
    f("src/x_test.ts", `import { forTests, inner } from "./x.ts";\nforTests(); inner();\n`),
  ];
  assert.deepEqual(testOnlyExports(files).map((x) => x.rule), [
    'export "forTests" is used only by tests',
    'export "dead" is used nowhere',
  ]);
});

Deno.test("loudModules() flags printing or exiting outside src/cli/", () => {
  const files = [
    f("src/cli/output.ts", "console.log(1);"),
    f("src/proxy/x.ts", "// console.log(1) in a comment\nDeno.exit(1);"),
    f("src/proxy/y.ts", "const exit = 1;"),
    f(
      "src/run/probe.ts",
      "const probe = `fetch(u).catch((e) => { console.error(e); process.exit(1); })`;",
    ),
  ];
  assert.deepEqual(loudModules(files), [
    { file: "src/proxy/x.ts", rule: "prints or exits outside src/cli/" },
  ]);
});

Deno.test("testsWithoutAssertions() flags tests whose bodies assert nothing", () => {
  // Built from parts, so that this file's own scan does not take the fixture for its tests.
  const test = "Deno" + ".test(";
  const text = [
    "function check(x: number) { assert.equal(x, 1); }",
    `${test}"asserts", () => { assert.ok(true); });`,
    `${test}"through a helper", () => { check(1); });`,
    `${test}{ name: "only logs", fn: () => { console.log(Date.now()); } });`,
    `${test}"rejects", async () => { await assert.rejects(() => Promise.reject()); });`,
  ].join("\n");
  assert.deepEqual(testsWithoutAssertions([f("src/z_test.ts", text)]), [
    { file: "src/z_test.ts", rule: 'test "only logs" asserts nothing' },
  ]);
});

Deno.test("stripComments() reads a /* inside a string and a quote inside a comment as they are", () => {
  const text = `const p = "/repos/**"; // it's a glob\nassert.ok(p); /* "x" */ const q = '//';\n`;
  assert.equal(stripComments(text), `const p = "/repos/**"; \nassert.ok(p);  const q = '//';\n`);
});
