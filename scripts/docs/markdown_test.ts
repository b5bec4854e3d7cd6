import assert from "node:assert/strict";
import { anchors, fencedBlocks, links, slug } from "./markdown.ts";

Deno.test("fencedBlocks() reads the info string, the body and the lines", () => {
  const text = "# T\n\n```sh test\necho hi\n```\n\n~~~~text\n```\nnot a fence end\n~~~~\n```\n";
  const blocks = fencedBlocks(text);
  assert.deepEqual(blocks.map((b) => [b.lang, b.tags, b.body, b.line, b.endLine]), [
    ["sh", ["test"], "echo hi\n", 3, 5],
    ["text", [], "```\nnot a fence end\n", 7, 10],
    ["", [], "\n", 11, 12],
  ]);
});

Deno.test("links() finds inline links, images and definitions, not code", () => {
  const text = [
    'See [a](a.md#x) and ![b](img/b.png "title").',
    "`[not](code.md)` and [c](<c d.md>)",
    "```md",
    "[in](block.md)",
    "```",
    "[ref]: ref.md",
  ].join("\n");
  assert.deepEqual(links(text).map((l) => [l.target, l.line]), [
    ["a.md#x", 1],
    ["img/b.png", 1],
    ["c d.md", 2],
    ["ref.md", 6],
  ]);
});

Deno.test("slug() and anchors() follow GitHub", () => {
  const cases: [string, string][] = [
    ["Check the setup: `authsome doctor`", "check-the-setup-authsome-doctor"],
    ['"permitted subtree violation" after adding', "permitted-subtree-violation-after-adding"],
    ["401 authsome_reauth_required", "401-authsome_reauth_required"],
    ["Injection: header, Basic, query", "injection-header-basic-query"],
    ["See [the guide](x.md)", "see-the-guide"],
  ];
  for (const [heading, expected] of cases) assert.equal(slug(heading), expected, heading);
  const text = "# A\n## A\n```sh\n# not a heading\n```\n### B #\n";
  assert.deepEqual([...anchors(text)].sort(), ["a", "a-1", "b"]);
});
