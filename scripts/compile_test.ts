import assert from "node:assert/strict";
import {
  assetName,
  checksumsText,
  chooseTargets,
  compileArgs,
  PERMISSIONS,
  type Target,
  TARGETS,
} from "./compile.ts";
import { LIBC_PATHS } from "../src/run/protect.ts";

Deno.test("compileArgs() builds each target into its asset with the same permissions", () => {
  const rows: [Target, string][] = [
    ["x86_64-unknown-linux-gnu", "dist/authsome-x86_64-unknown-linux-gnu"],
    ["aarch64-unknown-linux-gnu", "dist/authsome-aarch64-unknown-linux-gnu"],
    ["x86_64-apple-darwin", "dist/authsome-x86_64-apple-darwin"],
    ["aarch64-apple-darwin", "dist/authsome-aarch64-apple-darwin"],
    ["x86_64-pc-windows-msvc", "dist/authsome-x86_64-pc-windows-msvc.exe"],
  ];
  assert.deepEqual(rows.map(([target]) => target), [...TARGETS]);
  for (const [target, output] of rows) {
    assert.deepEqual(compileArgs(target, "/src/main.ts", "dist"), [
      "compile",
      "--target",
      target,
      "--output",
      output,
      "--frozen-lockfile",
      "--exclude-unused-npm",
      "--allow-read",
      "--allow-write",
      "--allow-env",
      "--allow-run",
      "--allow-net",
      `--allow-ffi=${LIBC_PATHS.join(",")}`,
      "--allow-sys=hostname,uid,gid,userInfo",
      "--no-prompt",
      "--v8-flags=--max-semi-space-size=2",
      "/src/main.ts",
    ], target);
  }
});

Deno.test("PERMISSIONS grant FFI to libc alone, no remote imports and not everything", () => {
  for (const flag of PERMISSIONS) {
    assert.doesNotMatch(flag, /^(-A|--allow-all|--allow-import)/, flag);
  }
  const ffi = PERMISSIONS.filter((flag) => flag.startsWith("--allow-ffi"));
  assert.equal(ffi.length, 1, "one FFI grant");
  assert.match(ffi[0], /^--allow-ffi=/, "FFI is scoped to named files, never bare");
  const paths = ffi[0].slice("--allow-ffi=".length).split(",");
  assert.ok(paths.length > 0);
  for (const path of paths) {
    assert.match(path, /^\/(usr\/)?lib[^,]*\/(libc\.so\.6|libSystem\.B\.dylib)$/, path);
  }
});

Deno.test("assetName() adds .exe for Windows only", () => {
  assert.deepEqual(TARGETS.map(assetName).filter((name) => name.endsWith(".exe")), [
    "authsome-x86_64-pc-windows-msvc.exe",
  ]);
});

Deno.test("chooseTargets() picks every target, the named ones, or refuses", () => {
  const rows: [string, string[], Record<string, string>, string[] | RegExp][] = [
    ["none named: all five", [], {}, [...TARGETS]],
    ["one named", ["aarch64-apple-darwin"], {}, ["aarch64-apple-darwin"]],
    [
      "a target named twice counts once",
      ["x86_64-apple-darwin", "x86_64-apple-darwin"],
      {},
      ["x86_64-apple-darwin"],
    ],
    [
      "an unknown one",
      ["x86_64-unknown-linux-musl"],
      {},
      /Unknown target "x86_64-unknown-linux-musl"/,
    ],
    ["DENORT_BIN with one target", ["x86_64-unknown-linux-gnu"], { DENORT_BIN: "/d" }, [
      "x86_64-unknown-linux-gnu",
    ]],
    ["DENORT_BIN with every target", [], { DENORT_BIN: "/d" }, /DENORT_BIN .* --target/],
  ];
  for (const [name, requested, env, expected] of rows) {
    const result = chooseTargets(requested, env);
    if (expected instanceof RegExp) {
      assert.ok(!result.ok, name);
      assert.match(result.message, expected, name);
    } else {
      assert.deepEqual(result, { ok: true, targets: expected }, name);
    }
  }
});

Deno.test("checksumsText() writes sha256sum's format with bare file names", () => {
  assert.equal(
    checksumsText([
      { file: "/x/dist/authsome-x86_64-apple-darwin", sha256: "ab".repeat(32) },
      { file: "dist/authsome-x86_64-pc-windows-msvc.exe", sha256: "0f".repeat(32) },
    ]),
    `${"ab".repeat(32)}  authsome-x86_64-apple-darwin\n` +
      `${"0f".repeat(32)}  authsome-x86_64-pc-windows-msvc.exe\n`,
  );
  assert.equal(checksumsText([]), "");
});
