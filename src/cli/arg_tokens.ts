/**
 * The command line as tokens, the way `node:util` `parseArgs` reads it with
 * `tokens: true, strict: false`: `--name=value`, `--name value` (a string
 * flag takes the next word), `-x`, `-abc` for several switches, `-n5` for a
 * short string flag with its value, and `--` ending the flags. Written here
 * because loading node:util costs every command about 15 ms of start-up.
 */

/** What the tokenizer needs to know of one flag. */
export interface TokenSpec {
  readonly type: "string" | "boolean";
  readonly short?: string;
}

/** One word (or part of one) of the command line. */
export type ArgToken =
  | { readonly kind: "positional"; readonly index: number; readonly value: string }
  | { readonly kind: "option-terminator"; readonly index: number }
  | {
    readonly kind: "option";
    readonly index: number;
    /** The long name, or the short letter when no flag has it. */
    readonly name: string;
    /** As written: `--name` or `-x`. */
    readonly rawName: string;
    readonly value?: string;
    /** True when the value was part of the same word (`--name=value`, `-n5`). */
    readonly inlineValue?: boolean;
  };

/** Splits `argv` into tokens; unknown flags become options of that name, taking no value. */
export function tokenize(
  argv: readonly string[],
  specs: Readonly<Record<string, TokenSpec>>,
): ArgToken[] {
  const byShort = new Map(
    Object.entries(specs).flatMap(([name, s]) => (s.short ? [[s.short, name] as const] : [])),
  );
  const takesValue = (name: string) => specs[name]?.type === "string";
  const tokens: ArgToken[] = [];
  /**
   * One flag at argv[index]: its value inline (`=value`, `-n5`), else the next
   * word when the flag takes one; returns the index of the last word used.
   */
  const option = (index: number, name: string, rawName: string, inline?: string): number => {
    if (inline !== undefined) {
      tokens.push({ kind: "option", index, name, rawName, value: inline, inlineValue: true });
      return index;
    }
    if (takesValue(name) && index + 1 < argv.length) {
      const value = argv[index + 1];
      tokens.push({ kind: "option", index, name, rawName, value, inlineValue: false });
      return index + 1;
    }
    tokens.push({ kind: "option", index, name, rawName });
    return index;
  };
  /**
   * `-abc`: one switch a letter; a letter of a string flag takes the rest of
   * the word as its value, or the next word when it is the last letter.
   */
  const group = (index: number, arg: string): number => {
    for (let at = 1; at < arg.length; at++) {
      const name = byShort.get(arg[at]) ?? arg[at];
      if (takesValue(name) && at < arg.length - 1) {
        return option(index, name, `-${arg[at]}`, arg.slice(at + 1));
      }
      const last = option(index, name, `-${arg[at]}`);
      if (last !== index) return last;
    }
    return index;
  };
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index];
    if (arg === "--") {
      tokens.push({ kind: "option-terminator", index });
      for (let rest = index + 1; rest < argv.length; rest++) {
        tokens.push({ kind: "positional", index: rest, value: argv[rest] });
      }
      return tokens;
    }
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      index = option(index, name, `--${name}`, eq === -1 ? undefined : arg.slice(eq + 1));
    } else if (arg.startsWith("-") && arg.length > 1) {
      const name = byShort.get(arg[1]) ?? arg[1];
      if (takesValue(name)) {
        index = option(index, name, `-${arg[1]}`, arg.length > 2 ? arg.slice(2) : undefined);
      } else {
        index = group(index, arg);
      }
    } else {
      tokens.push({ kind: "positional", index, value: arg });
    }
  }
  return tokens;
}
