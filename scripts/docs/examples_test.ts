import assert from "node:assert/strict";
import { examples, outputMatches } from "./examples.ts";

Deno.test("examples() pairs a runnable block with the text block right after it", () => {
  const page = [
    "```sh test",
    "echo one",
    "```",
    "",
    "```text",
    "one",
    "```",
    "```sh",
    "echo illustrative",
    "```",
    "```sh test",
    "true",
    "```",
    "Some prose.",
    "```text",
    "not its output",
    "```",
  ].join("\n");
  assert.deepEqual(examples(page), [
    { script: "echo one\n", line: 1, expected: "one\n" },
    { script: "true\n", line: 11, expected: undefined },
  ]);
});

Deno.test("outputMatches() takes <name> for text within a line and ... for lines", () => {
  const rows: [string, string, boolean][] = [
    ["a\nb\n", "a\nb", true],
    ["a  \n\n", "a\n\n\n", true],
    ["a\nb", "a\nc", false],
    ["a", "a\nb", false],
    ["port <port>!", "port 8443!", true],
    ["port <port>!", "port !", false],
    ["x=<a> y=<b>", "x=1 y=2", true],
    ["a.b", "aXb", false],
    ["a\n...\nz", "a\nz", true],
    ["a\n...\nz", "a\nb\nc\nz", true],
    ["a\n...", "a\nb", true],
    ["a\n...\nz", "a\nb", false],
    ["<!doctype html>", "<!doctype html>", true],
    ["<x>", "", false],
  ];
  for (const [expected, actual, verdict] of rows) {
    assert.equal(outputMatches(expected, actual), verdict, `${expected} vs ${actual}`);
  }
});
