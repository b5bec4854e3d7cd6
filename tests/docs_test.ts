/**
 * The user documentation cannot drift from the program.
 *
 * - docs/reference/cli.md and docs/reference/providers.md are generated
 *   (`deno task docs`, scripts/docs.ts) and must equal what the generator
 *   makes from the command table and the provider files now.
 * - Every relative link in docs/ and README.md resolves, #anchors included,
 *   and README.md links every page of the guides, concepts, troubleshooting
 *   and reference.
 * - Every `authsome ...` command in a shell block of docs/ or README.md,
 *   runnable or not, parses with the program's own command table and flags.
 * - Every provider definition in a ```json block is valid.
 *
 * Runnable examples (scripts/docs/examples.ts has the details):
 *
 * - A block fenced ```sh test is runnable. Each page's runnable blocks run
 *   in order, each in a new `sh`, in one sandbox of the page's own
 *   (scripts/docs/sandbox.ts): a temporary AUTHSOME_HOME where the user
 *   provider `demo` (host api.demo.test) and `openai` are logged in with
 *   made-up keys, `authsome` on PATH (main.ts with the binary's permissions),
 *   and `$DEMO_FLAGS`, which sends api.demo.test to the local fake API
 *   (scripts/fake_api.ts, which answers with the request it received as JSON).
 *   Files a block writes stay for the blocks after it.
 * - A runnable block must exit 0. A ```text block right after it (blank lines
 *   between at most) is what it prints, stdout and stderr together; in it
 *   `<name>` stands for any text within a line and a line `...` for any
 *   number of lines.
 * - Every other block (```sh, ```json, ```text, ...) is illustrative.
 *
 * `deno task docs shell` opens the same sandbox to try the examples by hand.
 */

import assert from "node:assert/strict";
import { dirname, join, relative, resolve } from "node:path";
import { ROOT } from "./helpers/cli.ts";
import { client } from "./helpers/clients.ts";
import { startOrigin } from "../scripts/fake_api.ts";
import { checkInvocation } from "../scripts/docs/cli_lines.ts";
import { examples, isRunnable, outputMatches } from "../scripts/docs/examples.ts";
import { bundledDefinitions, generatedPages } from "../scripts/docs/generate.ts";
import { anchors, fencedBlocks, links } from "../scripts/docs/markdown.ts";
import { DEMO_PROVIDER, openSandbox } from "../scripts/docs/sandbox.ts";
import { simpleCommands } from "../scripts/docs/shell_words.ts";
import { checkProviderText } from "../src/providers/validate.ts";

const curl = client("curl", "the runnable examples of the guides call the fake API with curl");

/** Folders whose pages follow the runnable-block convention and must be linked from README.md. */
const USER_DOCS = ["docs/guides", "docs/concepts", "docs/troubleshooting", "docs/reference"];

async function markdownFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of Deno.readDir(join(ROOT, dir))) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) out.push(...await markdownFiles(path));
    else if (entry.name.endsWith(".md")) out.push(path);
  }
  return out.sort();
}

const allPages = ["README.md", ...await markdownFiles("docs")];
const userPages = allPages.filter((page) => USER_DOCS.some((dir) => page.startsWith(`${dir}/`)));
const read = (page: string) => Deno.readTextFileSync(join(ROOT, page));

Deno.test("docs/reference is what deno task docs generates now", async () => {
  for (const page of await generatedPages()) {
    const current = await Deno.readTextFile(join(ROOT, page.path)).catch(() => "");
    assert.ok(current === page.text, `${page.path} is out of date: run deno task docs`);
  }
});

Deno.test("every relative link in docs/ and README.md resolves, anchors included", () => {
  const broken: string[] = [];
  for (const page of allPages) {
    for (const { target, line } of links(read(page))) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
      const [path, anchor] = target.split("#", 2);
      const file = path === "" ? page : relative(ROOT, resolve(ROOT, dirname(page), path));
      let text: string;
      try {
        text = read(file);
      } catch {
        broken.push(`${page}:${line}: ${target} (no file ${file})`);
        continue;
      }
      if (anchor && file.endsWith(".md") && !anchors(text).has(anchor)) {
        broken.push(`${page}:${line}: ${target} (no heading #${anchor} in ${file})`);
      }
    }
  }
  assert.deepEqual(broken, []);
});

Deno.test("README.md links every page of the user documentation", () => {
  const linked = new Set(links(read("README.md")).map((l) => l.target.split("#")[0]));
  assert.deepEqual(userPages.filter((page) => !linked.has(page)), []);
});

Deno.test("every block in the user documentation has a language; shell blocks are sh or sh test", () => {
  const wrong: string[] = [];
  for (const page of userPages) {
    for (const block of fencedBlocks(read(page))) {
      const where = `${page}:${block.line}`;
      if (block.lang === "") wrong.push(`${where}: a block without a language`);
      else if (["bash", "shell", "console", "zsh"].includes(block.lang)) {
        wrong.push(`${where}: "${block.lang}": write sh (illustrative) or sh test (runnable)`);
      } else if (block.lang === "sh" && block.tags.some((tag) => tag !== "test")) {
        wrong.push(`${where}: unknown tag in "sh ${block.tags.join(" ")}"`);
      }
    }
  }
  assert.deepEqual(wrong, []);
});

/** What `$DEMO_FLAGS` stands for when a command line is checked. */
const EXPANSIONS = {
  DEMO_FLAGS: ["--connect-to", "api.demo.test:443:127.0.0.1:8443", "--upstream-ca", "ca.pem"],
};

Deno.test("every authsome command shown in docs/ and README.md parses", async () => {
  const providers = new Set([
    DEMO_PROVIDER.name,
    ...(await bundledDefinitions()).map((d) => d.name),
  ]);
  // Providers the pages define: in a file's JSON, or by writing to providers/NAME.json.
  for (const page of allPages) {
    for (
      const match of read(page).matchAll(
        /"name":\s*"([a-z0-9_-]+)"|providers\/([a-z0-9_-]+)\.json/g,
      )
    ) {
      providers.add(match[1] ?? match[2]);
    }
  }
  const wrong: string[] = [];
  let checked = 0;
  for (const page of allPages) {
    for (const block of fencedBlocks(read(page)).filter((b) => b.lang === "sh")) {
      for (const words of simpleCommands(block.body, EXPANSIONS)) {
        const start = words[0] === "sudo" ? 1 : 0;
        if (words[start] !== "authsome") continue;
        checked++;
        const why = checkInvocation(words.slice(start + 1), providers);
        if (why) wrong.push(`${page}:${block.line}: ${words.join(" ")}: ${why}`);
      }
    }
  }
  assert.deepEqual(wrong, []);
  assert.ok(checked > 20, `only ${checked} authsome commands found: is the parser broken?`);
});

Deno.test("every provider definition in a json block is valid", () => {
  const wrong: string[] = [];
  for (const page of allPages) {
    for (const block of fencedBlocks(read(page)).filter((b) => b.lang === "json")) {
      if (!block.body.includes('"auth_type"')) continue;
      const result = checkProviderText(block.body);
      if (!result.ok) {
        wrong.push(`${page}:${block.line}: ${result.problems.map((p) => p.message).join("; ")}`);
      }
    }
  }
  assert.deepEqual(wrong, []);
});

for (const page of userPages) {
  const found = examples(read(page));
  if (found.length === 0) continue;
  Deno.test({ name: `the runnable examples of ${page}`, ignore: !curl }, async (t) => {
    await using origin = await startOrigin(["api.demo.test"]);
    await using sandbox = await openSandbox(origin);
    for (const example of found) {
      const first = example.script.split("\n")[0];
      await t.step(`${page}:${example.line}: ${first}`, async () => {
        const ran = await sandbox.run(example.script);
        const where = `${page}:${example.line}`;
        assert.equal(ran.code, 0, `${where} exited ${ran.code}; it printed:\n${ran.output}`);
        if (example.expected !== undefined && !outputMatches(example.expected, ran.output)) {
          assert.fail(
            `${where} printed:\n${ran.output}\nbut the page says:\n${example.expected}`,
          );
        }
      });
    }
  });
}

Deno.test("every user page but the generated ones has runnable examples", () => {
  const without = userPages.filter((page) =>
    !page.startsWith("docs/reference/") && !fencedBlocks(read(page)).some(isRunnable)
  );
  assert.deepEqual(without, []);
});
