import assert from "node:assert/strict";
import { parseArgs } from "node:util";
import { tokenize, type TokenSpec } from "./arg_tokens.ts";

const SPECS: Record<string, TokenSpec> = {
  help: { type: "boolean", short: "h" },
  verbose: { type: "boolean", short: "v" },
  force: { type: "boolean", short: "f" },
  connection: { type: "string", short: "c" },
  n: { type: "string", short: "n" },
  format: { type: "string" },
};

Deno.test("tokenize() reads a command line as node:util parseArgs does (tokens, not strict)", () => {
  const lines: string[][] = [
    [],
    ["list"],
    ["login", "openai", "--connection", "work", "--force"],
    ["login", "openai", "--connection=work", "-f"],
    ["login", "-c", "work", "-vf", "openai"],
    ["log", "-n5"],
    ["log", "-n", "-5"],
    ["export", "openai", "--format"],
    ["export", "--format", "--json"],
    ["run", "--deny-unmatched", "--", "curl", "-s", "--", "x"],
    ["run", "--sandbox=network", "curl"],
    ["--unknown", "value", "-x", "-", "--flag="],
    ["-vx", "-cwork", "-c"],
    ["-vc", "work", "openai"],
    ["-vcx", "openai"],
    ["-vfcwork", "openai"],
    ["-vf", "-n", "3"],
  ];
  for (const argv of lines) {
    const expected = parseArgs({
      args: argv,
      options: SPECS,
      strict: false,
      tokens: true,
      allowPositionals: true,
    }).tokens;
    // Compared as JSON: parseArgs spells an absent value as undefined, tokenize() leaves it out.
    const json = (tokens: unknown) => JSON.parse(JSON.stringify(tokens));
    assert.deepEqual(json(tokenize(argv, SPECS)), json(expected), argv.join(" "));
  }
});
