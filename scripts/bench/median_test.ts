import assert from "node:assert/strict";
import { median, medianResults } from "./median.ts";

Deno.test("median() of odd, even and empty lists", () => {
  const rows: [number[], number][] = [
    [[3, 1, 2], 2],
    [[4, 1, 3, 2], 2.5],
    [[7], 7],
  ];
  for (const [values, expected] of rows) assert.equal(median(values), expected, `${values}`);
  assert.ok(Number.isNaN(median([])));
});

Deno.test("medianResults() takes each figure's median across runs, keeping the shape", () => {
  const runs = [
    { keepalive: { 8: { rps: 7000, hwm: 120 } }, first_response_ms: 0.4, via: "env" },
    { keepalive: { 8: { rps: 14000, hwm: 110 } }, first_response_ms: 0.5, via: "env" },
    { keepalive: { 8: { rps: 13000 } }, first_response_ms: 0.9, via: "env", minting_ms: 3 },
  ];
  assert.deepEqual(medianResults(runs), {
    keepalive: { 8: { rps: 13000, hwm: 115 } },
    first_response_ms: 0.5,
    via: "env",
    minting_ms: 3,
  });
  assert.deepEqual(medianResults([{ a: 1 }]), { a: 1 }, "one run is itself");
});
