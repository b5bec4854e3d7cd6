/**
 * The runnable examples of a documentation page and the check of their
 * output. The convention, also described at the top of tests/docs_test.ts:
 *
 * - A block fenced as ```sh test is runnable; a block fenced ```sh (or in
 *   any other language) is illustrative and never run.
 * - A ```text block that follows a runnable block, with nothing but blank
 *   lines between them, is what the block prints: stdout and stderr
 *   together, as a terminal shows them.
 * - In that output, `<name>` (lowercase words, such as `<port>` or
 *   `<run id>`) stands for any text on one line, and a line that is just
 *   `...` stands for any number of lines, none included. Trailing spaces and
 *   trailing blank lines do not count.
 *
 * Pure: Markdown in, examples out; expected and actual text in, a verdict out.
 */

import { type Block, fencedBlocks } from "./markdown.ts";

/** One runnable block and what it should print, if the page says. */
export interface Example {
  readonly script: string;
  readonly line: number;
  /** The expected output, or undefined when the page shows none (then only the exit code counts). */
  readonly expected?: string;
}

/** True for a block the tests run. */
export function isRunnable(block: Block): boolean {
  return block.lang === "sh" && block.tags.includes("test");
}

/** The runnable examples of a page, in order, each with the output block that follows it. */
export function examples(markdown: string): Example[] {
  const blocks = fencedBlocks(markdown);
  const lines = markdown.split("\n");
  const out: Example[] = [];
  blocks.forEach((block, i) => {
    if (!isRunnable(block)) return;
    const next = blocks[i + 1];
    const between = next ? lines.slice(block.endLine, next.line - 1) : [];
    const adjacent = next !== undefined && next.lang === "text" &&
      between.every((line) => line.trim() === "");
    out.push({ script: block.body, line: block.line, expected: adjacent ? next.body : undefined });
  });
  return out;
}

const PLACEHOLDER = /<[a-z][a-z0-9 _-]*>/g;

function lineMatcher(expected: string): RegExp {
  const parts = expected.split(PLACEHOLDER).map((part) =>
    part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
  );
  return new RegExp(`^${parts.join(".+?")}$`);
}

function normalize(text: string): string[] {
  const lines = text.replace(/\r\n/g, "\n").split("\n").map((line) => line.trimEnd());
  while (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/** True when `actual` is what `expected` describes (see the module's conventions). */
export function outputMatches(expected: string, actual: string): boolean {
  const want = normalize(expected);
  const got = normalize(actual);
  const matchers = want.map((line) => line === "..." ? undefined : lineMatcher(line));
  // memo[i][j]: does want[i..] match got[j..]?
  const memo = new Map<number, boolean>();
  const match = (i: number, j: number): boolean => {
    const key = i * (got.length + 1) + j;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let result: boolean;
    if (i === want.length) result = j === got.length;
    else if (matchers[i] === undefined) {
      result = match(i + 1, j) || (j < got.length && match(i, j + 1));
    } else result = j < got.length && matchers[i]!.test(got[j]) && match(i + 1, j + 1);
    memo.set(key, result);
    return result;
  };
  return match(0, 0);
}
