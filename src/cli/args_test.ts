import assert from "node:assert/strict";
import { type OptionSpec, parseCommandArgs } from "./args.ts";

const options: Record<string, OptionSpec> = {
  sandbox: { type: "boolean", optionalValue: true, value: "network", description: "d" },
};

Deno.test("an optional-value flag: bare is true, =VALUE is the value, and it never eats the command", () => {
  assert.equal(parseCommandArgs(["--sandbox", "--", "x"], options, true).values.sandbox, true);
  const valued = parseCommandArgs(["--sandbox=network", "--", "x"], options, true);
  assert.equal(valued.values.sandbox, "network");
  assert.deepEqual(valued.rest, ["x"]);
  const bare = parseCommandArgs(["--sandbox", "node", "a.js"], options, true);
  assert.equal(bare.values.sandbox, true);
  assert.deepEqual(bare.rest, ["node", "a.js"]);
});
