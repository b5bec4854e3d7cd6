/**
 * The architecture rules `deno task arch` enforces, as pure functions over
 * source texts: no import cycle between files of `src/`, no export that only
 * tests use, no print or exit outside `src/cli/`, no test without an
 * assertion. Each finding is a `file: rule` line.
 */

/** One source file: its path from the repository root and its text. */
export interface SourceFile {
  readonly path: string;
  readonly text: string;
}

/** One rule broken in one file. */
export interface Finding {
  readonly file: string;
  readonly rule: string;
}

const IMPORT =
  /(?:^|[\s;])(?:import|export)\s[^;]*?\sfrom\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

/**
 * One pass over TypeScript text that drops comments and, with `blankStrings`,
 * the contents of string literals, so that a `/*` inside a string or a quote
 * inside a comment is read as what it is. (Regular expressions and template
 * substitutions are not parsed: close enough for these rules.)
 */
function scan(text: string, blankStrings: boolean): string {
  let out = "";
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === "/" && text[i + 1] === "/") {
      while (i < text.length && text[i] !== "\n") i++;
    } else if (c === "/" && text[i + 1] === "*") {
      const end = text.indexOf("*/", i + 2);
      i = end === -1 ? text.length : end + 2;
    } else if (c === '"' || c === "'" || c === "`") {
      let j = i + 1;
      while (j < text.length && text[j] !== c && (c === "`" || text[j] !== "\n")) {
        j += text[j] === "\\" ? 2 : 1;
      }
      out += blankStrings ? `${c}${c}` : text.slice(i, j + 1);
      i = j + 1;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** Strips comments (line and block) so that words in prose are not taken for code. */
export function stripComments(text: string): string {
  return scan(text, false);
}

/** The relative imports of `file`, resolved to repository paths. */
export function importsOf(file: SourceFile): string[] {
  const dir = file.path.split("/").slice(0, -1);
  const out: string[] = [];
  for (const m of stripComments(file.text).matchAll(IMPORT)) {
    const spec = m[1] ?? m[2];
    if (!spec.startsWith(".")) continue;
    const parts = [...dir];
    for (const part of spec.split("/")) {
      if (part === "..") parts.pop();
      else if (part !== ".") parts.push(part);
    }
    out.push(parts.join("/"));
  }
  return out;
}

/** Files of `src/` (tests left out) that take part in an import cycle, one finding per cycle. */
export function importCycles(files: readonly SourceFile[]): Finding[] {
  const graph = new Map<string, string[]>();
  for (const f of files) {
    if (f.path.startsWith("src/") && !isTest(f.path)) {
      graph.set(f.path, importsOf(f).filter((p) => p.startsWith("src/")));
    }
  }
  // Tarjan's strongly connected components.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const findings: Finding[] = [];
  let next = 0;
  const visit = (node: string) => {
    index.set(node, next);
    low.set(node, next++);
    stack.push(node);
    onStack.add(node);
    for (const to of graph.get(node) ?? []) {
      if (!graph.has(to)) continue;
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node)!, low.get(to)!));
      } else if (onStack.has(to)) {
        low.set(node, Math.min(low.get(node)!, index.get(to)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) {
        component.sort();
        findings.push({ file: component[0], rule: `import cycle: ${component.join(" -> ")}` });
      }
    }
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return findings;
}

/** True for a test file or a test helper (`tests/`, `*_test.ts`, and `_*.ts` beside the code). */
export function isTest(path: string): boolean {
  const name = path.slice(path.lastIndexOf("/") + 1);
  return name.endsWith("_test.ts") || name.startsWith("_") || path.startsWith("tests/");
}

const EXPORT =
  /^export\s+(?:async\s+)?(?:function\*?|const|let|class|interface|type|enum)\s+([A-Za-z_$][\w$]*)/gm;

/** Exports of `src/` that no code but tests uses (not even their own module). */
export function testOnlyExports(files: readonly SourceFile[]): Finding[] {
  const code = files.filter((f) => !isTest(f.path)).map((f) => ({
    path: f.path,
    text: stripComments(f.text),
  }));
  const tests = files.filter((f) => isTest(f.path)).map((f) => stripComments(f.text));
  const findings: Finding[] = [];
  for (const file of code) {
    if (!file.path.startsWith("src/")) continue;
    for (const m of file.text.matchAll(EXPORT)) {
      const name = m[1];
      const word = new RegExp(`(?<![\\w$.])${name.replace(/\$/g, "\\$")}(?![\\w$])`, "g");
      const usedHere = (file.text.match(word)?.length ?? 0) > 1;
      // Elsewhere, `.name` counts too: `(await import("./x.ts")).name(...)` uses it.
      const member = new RegExp(`(?<![\\w$])${name.replace(/\$/g, "\\$")}(?![\\w$])`);
      const usedElsewhere = code.some((other) =>
        other.path !== file.path && member.test(reExportFree(other.text))
      );
      if (usedHere || usedElsewhere) continue;
      const tested = tests.some((text) => text.match(word) !== null);
      findings.push({
        file: file.path,
        rule: tested
          ? `export "${name}" is used only by tests`
          : `export "${name}" is used nowhere`,
      });
    }
  }
  return findings;
}

/** Text without `export { … } from` lines, which pass a name on without using it. */
function reExportFree(text: string): string {
  return text.replace(/export\s+(?:type\s+)?\{[^}]*\}\s*from\s*["'][^"']+["'];?/g, "");
}

const LOUD = /\b(?:console\.(?:log|error|warn|info|debug)|Deno\.exit)\s*\(/;

/** Text without comments or the contents of string literals (code written for another runtime, say). */
export function stripStrings(text: string): string {
  return scan(text, true);
}

/** Files outside `src/cli/` that print or exit (in code, not inside strings). */
export function loudModules(files: readonly SourceFile[]): Finding[] {
  return files
    .filter((f) => f.path.startsWith("src/") && !f.path.startsWith("src/cli/") && !isTest(f.path))
    .filter((f) => LOUD.test(stripStrings(f.text)))
    .map((f) => ({ file: f.path, rule: "prints or exits outside src/cli/" }));
}

const ASSERTS = /\bassert\w*|\.throws\(|\.rejects\(|\bfc\.assert\(/;

/**
 * Tests whose body asserts nothing. A test's body runs from its `Deno.test(`
 * to the next one; a call to a function of the same file that asserts counts.
 */
export function testsWithoutAssertions(files: readonly SourceFile[]): Finding[] {
  const findings: Finding[] = [];
  for (const file of files) {
    if (!file.path.endsWith("_test.ts")) continue;
    const text = stripComments(file.text);
    const starts = [...text.matchAll(/Deno\.test\(/g)].map((m) => m.index!);
    const asserting = new Set(
      [...text.matchAll(/(?:function\s+([\w$]+)|const\s+([\w$]+)\s*=\s*(?:async\s*)?\()/g)]
        .filter((m) => ASSERTS.test(bodyFrom(text, m.index!)))
        .map((m) => m[1] ?? m[2]),
    );
    starts.forEach((start, i) => {
      const body = text.slice(start, starts[i + 1] ?? text.length);
      if (ASSERTS.test(body)) return;
      if ([...asserting].some((name) => new RegExp(`\\b${name}\\(`).test(body))) return;
      const name = /Deno\.test\(\s*(?:\{\s*name:\s*)?["'`]([^"'`]*)/.exec(body)?.[1] ?? "?";
      findings.push({ file: file.path, rule: `test "${name}" asserts nothing` });
    });
  }
  return findings;
}

/** The text of the function starting at `at`, up to its closing brace (approximate). */
function bodyFrom(text: string, at: number): string {
  const open = text.indexOf("{", at);
  if (open === -1) return "";
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === "{") depth++;
    else if (text[i] === "}" && --depth === 0) return text.slice(at, i + 1);
  }
  return text.slice(at);
}
