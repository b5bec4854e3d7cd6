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

Deno.test("flags not given: a switch is false, a repeatable flag empty, a valued one undefined", () => {
  const options = {
    force: { type: "boolean", description: "d" },
    field: { type: "string", multiple: true, description: "d" },
    flow: { type: "string", description: "d" },
  } as const;
  const none = parseCommandArgs([], options).values;
  assert.deepEqual([none.force, none.field, none.flow], [false, [], undefined]);
  const given =
    parseCommandArgs(["--force", "--field", "a=1", "--field=b=2", "--flow", "pkce"], options)
      .values;
  assert.deepEqual([given.force, given.field, given.flow], [true, ["a=1", "b=2"], "pkce"]);
});
