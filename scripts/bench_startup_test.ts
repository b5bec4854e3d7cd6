import assert from "node:assert/strict";
import { reportRows } from "./bench_startup.ts";

Deno.test("reportRows() gives each command's medians and ratios to the empty program", () => {
  const results = new Map([
    ["empty", [{ ms: 20, kib: 20480 }, { ms: 10, kib: 10240 }, { ms: 30, kib: 30720 }]],
    ["authsome run -- true", [{ ms: 90, kib: 61440 }, { ms: 80, kib: 61440 }, { ms: 70 }]],
  ]);
  assert.deepEqual(reportRows(results, "empty"), [
    ["command", "wall (ms)", "× empty", "+ms", "peak RSS (MB)", "× empty"],
    ["`empty`", "20.0", "1.00", "", "20.0", "1.00"],
    ["`authsome run -- true`", "80.0", "4.00", "+60.0", "60.0", "3.00"],
  ]);
});
