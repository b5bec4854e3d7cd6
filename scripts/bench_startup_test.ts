import assert from "node:assert/strict";
import { median, reportRows } from "./bench_startup.ts";

Deno.test("median() of odd, even and empty lists", () => {
  const rows: [number[], number][] = [
    [[3, 1, 2], 2],
    [[4, 1, 3, 2], 2.5],
    [[7], 7],
  ];
  for (const [values, expected] of rows) assert.equal(median(values), expected, `${values}`);
  assert.ok(Number.isNaN(median([])));
});

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
