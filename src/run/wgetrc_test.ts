import assert from "node:assert/strict";
import { userWgetrcPath, wgetrcSource } from "./wgetrc.ts";

Deno.test("userWgetrcPath() prefers $WGETRC, then ~/.wgetrc", () => {
  assert.equal(userWgetrcPath({ WGETRC: "/etc/mine", HOME: "/home/u" }), "/etc/mine");
  assert.equal(userWgetrcPath({ HOME: "/home/u" }), "/home/u/.wgetrc");
  assert.equal(userWgetrcPath({ WGETRC: "", HOME: "/home/u" }), "/home/u/.wgetrc");
  assert.equal(userWgetrcPath({}), undefined);
});

Deno.test("wgetrcSource() keeps the user's settings and names the bundle last", () => {
  const cases: [string | undefined, string][] = [
    [undefined, ""],
    ["", ""],
    ["tries = 3", "tries = 3\n"],
    ["tries = 3\nca_certificate = /old.pem\n", "tries = 3\nca_certificate = /old.pem\n"],
  ];
  for (const [own, kept] of cases) {
    const text = wgetrcSource(own, "/h/runs/r/ca-bundle.pem");
    assert.ok(text.startsWith(kept), `${own}`);
    const lines = text.trimEnd().split("\n");
    assert.equal(lines.at(-1), "ca_certificate = /h/runs/r/ca-bundle.pem");
  }
});
