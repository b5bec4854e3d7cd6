/**
 * The little of Markdown the documentation checks need: fenced code blocks
 * with their info strings and line numbers, links outside code, and the
 * anchors GitHub gives headings. Pure: text in, values out.
 */

/** One fenced code block. */
export interface Block {
  /** The first word of the info string (`sh`, `text`, `json`), or "" when there is none. */
  readonly lang: string;
  /** The other words of the info string, such as `test`. */
  readonly tags: readonly string[];
  /** The lines between the fences, joined with "\n", with a final "\n" unless empty. */
  readonly body: string;
  /** The 1-based line of the opening fence. */
  readonly line: number;
  /** The 1-based line of the closing fence (the last line when the block is never closed). */
  readonly endLine: number;
}

/** One link target found outside code. */
export interface Link {
  readonly target: string;
  readonly line: number;
}

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([^`]*)$/;

/** The fenced code blocks of a Markdown text, in order. */
export function fencedBlocks(text: string): Block[] {
  const lines = text.split("\n");
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]);
    if (!open) continue;
    const [, fence, info] = open;
    const words = info.trim().split(/\s+/).filter(Boolean);
    let end = i + 1;
    while (end < lines.length && !closes(lines[end], fence)) end++;
    const body = lines.slice(i + 1, end);
    blocks.push({
      lang: words[0] ?? "",
      tags: words.slice(1),
      body: body.length > 0 ? `${body.join("\n")}\n` : "",
      line: i + 1,
      endLine: Math.min(end, lines.length - 1) + 1,
    });
    i = end;
  }
  return blocks;
}

function closes(line: string, fence: string): boolean {
  const trimmed = line.trim();
  return trimmed.length >= fence.length && trimmed === fence[0].repeat(trimmed.length) &&
    /^ {0,3}\S/.test(line);
}

/** The text with every fenced block's lines blanked, so line numbers stay right. */
export function withoutBlocks(text: string): string {
  const lines = text.split("\n");
  for (const block of fencedBlocks(text)) {
    for (let i = block.line - 1; i < block.endLine && i < lines.length; i++) lines[i] = "";
  }
  return lines.join("\n");
}

/** Removes inline code spans from one line of prose. */
function withoutCodeSpans(line: string): string {
  return line.replace(/(`+)[^`]*?\1/g, "");
}

/** Every inline link, image and reference definition outside code. */
export function links(text: string): Link[] {
  const found: Link[] = [];
  withoutBlocks(text).split("\n").forEach((raw, i) => {
    const line = withoutCodeSpans(raw);
    for (
      const m of line.matchAll(/!?\[[^\]]*\]\(\s*(?:<([^>]*)>|([^)\s]+))(?:\s+"[^"]*")?\s*\)/g)
    ) {
      found.push({ target: m[1] ?? m[2], line: i + 1 });
    }
    const definition = /^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/.exec(line);
    if (definition) found.push({ target: definition[1], line: i + 1 });
  });
  return found;
}

/** The anchor GitHub gives a heading's text (before de-duplication). */
export function slug(heading: string): string {
  return heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

/** Every anchor a Markdown text defines: its headings' slugs, de-duplicated as GitHub does. */
export function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const line of withoutBlocks(text).split("\n")) {
    const heading = /^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const base = slug(heading[1]);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    out.add(count === 0 ? base : `${base}-${count}`);
  }
  for (const m of text.matchAll(/<a\s+(?:name|id)="([^"]+)"/g)) out.add(m[1]);
  return out;
}
