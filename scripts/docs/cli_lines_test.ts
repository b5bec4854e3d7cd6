import assert from "node:assert/strict";
import { checkInvocation } from "./cli_lines.ts";

Deno.test("checkInvocation() accepts what the CLI accepts and names what it would refuse", () => {
  const providers = new Set(["openai", "demo"]);
  const rows: [string[], string | undefined][] = [
    [["login", "openai", "--key-stdin"], undefined],
    [["--verbose", "run", "--", "env"], undefined],
    [["run", "--connection", "demo=work", "--", "true"], undefined],
    [["login", "PROVIDER"], undefined],
    [["cert", "install", "--dry-run", "--platform", "all"], undefined],
    [["providers", "validate", "--help"], undefined],
    [["--version"], undefined],
    [["login", "openai", "--key-stdn"], "Unknown option --key-stdn; did you mean --key-stdin?"],
    [["run"], '"run" needs a command after --'],
    [["login"], '"login" takes 1-1 argument(s), not 0'],
    [["login", "open-ai"], 'no provider "open-ai"'],
    [["lgin", "openai"], 'unknown command "lgin"'],
    [["export", "openai", "--format"], "Option --format needs a value"],
  ];
  for (const [argv, expected] of rows) {
    assert.equal(checkInvocation(argv, providers), expected, argv.join(" "));
  }
});
