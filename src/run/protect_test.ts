import assert from "node:assert/strict";
import { LIBC_PATHS, PR_SET_DUMPABLE, protectionPlan, PT_DENY_ATTACH } from "./protect.ts";

Deno.test("Linux: prctl(PR_SET_DUMPABLE, 0) from a glibc libc.so.6", () => {
  const plan = protectionPlan("linux");
  assert.equal(plan.kind, "call");
  if (plan.kind !== "call") return;
  assert.equal(plan.symbol, "prctl");
  assert.deepEqual(plan.args, [PR_SET_DUMPABLE, 0n, 0n, 0n, 0n]);
  assert.equal(PR_SET_DUMPABLE, 4);
  assert.equal(plan.parameters.length, plan.args.length);
  assert.ok(plan.libraries.length > 0 && plan.libraries.every((l) => l.endsWith("/libc.so.6")));
});

Deno.test("macOS: ptrace(PT_DENY_ATTACH, 0, 0, 0) from libSystem", () => {
  const plan = protectionPlan("darwin");
  assert.equal(plan.kind, "call");
  if (plan.kind !== "call") return;
  assert.equal(plan.symbol, "ptrace");
  assert.deepEqual(plan.args, [PT_DENY_ATTACH, 0, 0n, 0]);
  assert.equal(PT_DENY_ATTACH, 31);
  assert.deepEqual(plan.parameters, ["i32", "i32", "i64", "i32"]);
  assert.deepEqual(plan.libraries, ["/usr/lib/libSystem.B.dylib"]);
});

Deno.test("Windows has no plan, and says so", () => {
  const plan = protectionPlan("windows");
  assert.equal(plan.kind, "none");
});

Deno.test("every library a plan may load is in the list --allow-ffi is scoped to", () => {
  for (const os of ["linux", "darwin"] as const) {
    const plan = protectionPlan(os);
    if (plan.kind === "call") {
      for (const library of plan.libraries) assert.ok(LIBC_PATHS.includes(library), library);
    }
  }
});
