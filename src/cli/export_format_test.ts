import assert from "node:assert/strict";
import { dotenvQuote, formatExport, shellQuote } from "./export_format.ts";

Deno.test("shellQuote() wraps in single quotes and escapes single quotes", () => {
  assert.equal(shellQuote("plain"), "'plain'");
  assert.equal(shellQuote("it's"), `'it'\\''s'`);
  assert.equal(shellQuote(""), "''");
});

Deno.test("formatExport() exports env and shell variables, single-quoted", () => {
  const vars: [string, string][] = [["A", "sk-abc_123"], ["B", "a b$c"]];
  assert.equal(formatExport(vars, "env"), "export A='sk-abc_123'\nexport B='a b$c'\n");
  assert.equal(formatExport(vars, "shell"), "export A='sk-abc_123'\nexport B='a b$c'\n");
  assert.equal(formatExport(vars, "json"), '{\n  "A": "sk-abc_123",\n  "B": "a b$c"\n}\n');
});

Deno.test("dotenvQuote() escapes backslash, quote, dollar and line breaks", () => {
  assert.equal(dotenvQuote('a"b\\c$d\ne\r'), '"a\\"b\\\\c\\$d\\ne\\r"');
});
