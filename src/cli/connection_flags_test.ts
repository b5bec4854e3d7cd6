import assert from "node:assert/strict";
import type { AuthsomeError } from "../errors.ts";
import { parseConnectionChoices } from "./connection_flags.ts";

Deno.test("parseConnectionChoices() reads PROVIDER=NAME, the last one per provider winning", () => {
  assert.deepEqual(parseConnectionChoices([]), new Map());
  assert.deepEqual(
    parseConnectionChoices(["github=work", "openai=default", "github=home"]),
    new Map([["github", "home"], ["openai", "default"]]),
  );
});

Deno.test("parseConnectionChoices() refuses a flag that is not PROVIDER=NAME (usage)", () => {
  for (const flag of ["github", "github=", "=work", "a=b=c", ""]) {
    assert.throws(
      () => parseConnectionChoices([flag]),
      (e: AuthsomeError) =>
        e.code === "usage" && e.message === `--connection "${flag}" must be PROVIDER=NAME` &&
        e.hint === "For example: --connection github=work",
      flag,
    );
  }
});
