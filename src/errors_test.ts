import assert from "node:assert/strict";
import { AuthsomeError, errorText } from "./errors.ts";

Deno.test("errorText(): the message, an AuthsomeError's hint after it, anything else as text", () => {
  const cases: [unknown, string][] = [
    [
      new AuthsomeError("invalid", "The key is bad", { hint: "Move it aside" }),
      "The key is bad. Move it aside",
    ],
    [new AuthsomeError("invalid", "The key is bad"), "The key is bad"],
    [new Error("boom"), "boom"],
    ["plain", "plain"],
  ];
  for (const [error, text] of cases) assert.equal(errorText(error), text);
});
