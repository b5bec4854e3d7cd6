import assert from "node:assert/strict";
import { fuzzHeads } from "../scripts/fuzz_head.ts";
import { scale } from "./helpers/scale.ts";

const CASES = scale(5_000, 500_000);

Deno.test(`fuzzHeads(): ${CASES} mutated and random heads never throw, hang, or mean two things`, () => {
  const report = fuzzHeads(CASES, 20261124);
  assert.deepEqual(report.failures, []);
  assert.ok(
    report.accepted > 200,
    `only ${report.accepted} mutated heads were accepted: the fuzzer is not exploring`,
  );
  assert.ok(report.rejected > 1000, `only ${report.rejected} rejected`);
});
