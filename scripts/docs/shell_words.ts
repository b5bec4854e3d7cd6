/**
 * Finds the simple commands in a shell snippet, as words, well enough to
 * check every `authsome ...` line the documentation shows: quotes, escapes,
 * comments, line continuations, pipes and lists, redirections, here-documents
 * and `$(...)` (whose commands count too). Variables named in `expansions`
 * become the words they stand for; any other is kept as written. Pure.
 */

type Token =
  | { readonly kind: "word"; readonly text: string; readonly bare: boolean }
  | { readonly kind: "op" }
  | { readonly kind: "redirect"; readonly heredoc: boolean };

const KEYWORDS = new Set([
  "if",
  "then",
  "else",
  "elif",
  "fi",
  "do",
  "done",
  "while",
  "until",
  "!",
  "{",
  "}",
]);

class Lexer {
  readonly tokens: Token[] = [];
  readonly nested: string[] = [];
  #word: string | undefined;
  #bare = true;
  #heredocs: string[] = [];
  #i = 0;

  constructor(readonly src: string) {}

  run(): void {
    const s = this.src;
    while (this.#i < s.length) {
      const c = s[this.#i];
      if (c === "\\" && s[this.#i + 1] === "\n") this.#i += 2;
      else if (c === "\\") this.#append(s[this.#i + 1] ?? "", false, 2);
      else if (c === "'") this.#single();
      else if (c === '"') this.#double();
      else if (c === "$" && s[this.#i + 1] === "(") this.#append("SUBST", false, this.#subst());
      else if (c === "#" && this.#word === undefined) this.#comment();
      else if (c === "\n") this.#newline();
      else if (c === " " || c === "\t") this.#end(1);
      else if ("|&;()".includes(c)) this.#operator();
      else if (c === "<" || c === ">") this.#redirect();
      else this.#append(c, true, 1);
    }
    this.#end(0);
  }

  #append(text: string, bare: boolean, advance: number): void {
    this.#word = (this.#word ?? "") + text;
    this.#bare &&= bare;
    this.#i += advance;
  }

  #emit(token: Token): void {
    const last = this.tokens[this.tokens.length - 1];
    if (token.kind === "word" && last?.kind === "redirect" && last.heredoc) {
      this.#heredocs.push(token.text);
    }
    this.tokens.push(token);
  }

  #end(advance: number): void {
    if (this.#word !== undefined) this.#emit({ kind: "word", text: this.#word, bare: this.#bare });
    this.#word = undefined;
    this.#bare = true;
    this.#i += advance;
  }

  #single(): void {
    const close = this.src.indexOf("'", this.#i + 1);
    const end = close === -1 ? this.src.length : close;
    this.#append(this.src.slice(this.#i + 1, end), false, end + 1 - this.#i);
  }

  #double(): void {
    let text = "";
    let i = this.#i + 1;
    while (i < this.src.length && this.src[i] !== '"') {
      if (this.src[i] === "\\" && '"\\$`\n'.includes(this.src[i + 1])) {
        text += this.src[i + 1] === "\n" ? "" : this.src[i + 1];
        i += 2;
      } else if (this.src[i] === "$" && this.src[i + 1] === "(") {
        const start = this.#i;
        this.#i = i;
        i += this.#subst();
        this.#i = start;
        text += "SUBST";
      } else text += this.src[i++];
    }
    this.#append(text, false, i + 1 - this.#i);
  }

  /** Records the command in `$(...)` at the cursor; returns its length. */
  #subst(): number {
    let depth = 0;
    let quote: string | undefined;
    for (let i = this.#i + 1; i < this.src.length; i++) {
      const c = this.src[i];
      if (quote) {
        if (c === quote) quote = undefined;
        else if (c === "\\" && quote === '"') i++;
      } else if (c === "'" || c === '"') quote = c;
      else if (c === "\\") i++;
      else if (c === "(") depth++;
      else if (c === ")" && --depth === 0) {
        this.nested.push(this.src.slice(this.#i + 2, i));
        return i + 1 - this.#i;
      }
    }
    this.nested.push(this.src.slice(this.#i + 2));
    return this.src.length - this.#i;
  }

  #comment(): void {
    const end = this.src.indexOf("\n", this.#i);
    this.#i = end === -1 ? this.src.length : end;
  }

  #newline(): void {
    this.#end(1);
    this.#emit({ kind: "op" });
    for (const delimiter of this.#heredocs) {
      while (this.#i < this.src.length) {
        const end = this.src.indexOf("\n", this.#i);
        const line = this.src.slice(this.#i, end === -1 ? this.src.length : end);
        this.#i = end === -1 ? this.src.length : end + 1;
        if (line.replace(/^\t+/, "") === delimiter) break;
      }
    }
    this.#heredocs = [];
  }

  #operator(): void {
    this.#end(0);
    const two = this.src.slice(this.#i, this.#i + 2);
    this.#i += two === "||" || two === "&&" || two === ";;" ? 2 : 1;
    this.#emit({ kind: "op" });
  }

  #redirect(): void {
    if (this.#word !== undefined && !/^\d+$/.test(this.#word)) this.#end(0);
    this.#word = undefined;
    this.#bare = true;
    const op = /^(<<-|<<<|<<|<>|>>|>&|<&|&>|>\||<|>)/.exec(this.src.slice(this.#i))![0];
    this.#i += op.length;
    if ((op === ">&" || op === "<&") && /^[\d-]/.test(this.src[this.#i])) {
      while (/[\d-]/.test(this.src[this.#i] ?? "")) this.#i++;
      return;
    }
    const heredoc = op === "<<" || op === "<<-";
    this.#emit({ kind: "redirect", heredoc });
  }
}

function lex(src: string): Lexer {
  const lexer = new Lexer(src);
  lexer.run();
  return lexer;
}

/** The simple commands of `script`, each as its words, assignments and redirections left out. */
export function simpleCommands(
  script: string,
  expansions: Readonly<Record<string, readonly string[]>> = {},
): string[][] {
  const lexer = lex(script);
  const commands: string[][] = [];
  let words: string[] = [];
  let skipNext = false;
  const flush = () => {
    while (words.length > 0 && (KEYWORDS.has(words[0]) || /^[A-Za-z_]\w*=/.test(words[0]))) {
      words.shift();
    }
    if (words.length > 0 && !["for", "case"].includes(words[0])) commands.push(words);
    words = [];
  };
  for (const token of lexer.tokens) {
    if (token.kind === "op") flush();
    else if (token.kind === "redirect") skipNext = true;
    else if (skipNext) skipNext = false;
    else {
      const name = token.bare ? /^\$\{?([A-Za-z_]\w*)\}?$/.exec(token.text)?.[1] : undefined;
      words.push(...(name && expansions[name] ? expansions[name] : [token.text]));
    }
  }
  flush();
  for (const inner of lexer.nested) commands.push(...simpleCommands(inner, expansions));
  return commands;
}
