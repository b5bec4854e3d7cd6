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
      const rawName = `--${name}`;
      if (eq !== -1) {
        tokens.push({
          kind: "option",
          index,
          name,
          rawName,
          value: arg.slice(eq + 1),
          inlineValue: true,
        });
      } else if (takesValue(name) && index + 1 < argv.length) {
        tokens.push({
          kind: "option",
          index,
          name,
          rawName,
          value: argv[++index],
          inlineValue: false,
        });
      } else {
        tokens.push({ kind: "option", index, name, rawName });
      }
      continue;
    }
    if (arg.startsWith("-") && arg.length > 1) {
      const first = arg[1];
      const name = byShort.get(first) ?? first;
      const rawName = `-${first}`;
      if (takesValue(name)) {
        if (arg.length > 2) {
          tokens.push({
            kind: "option",
            index,
            name,
            rawName,
            value: arg.slice(2),
            inlineValue: true,
          });
        } else if (index + 1 < argv.length) {
          tokens.push({
            kind: "option",
            index,
            name,
            rawName,
            value: argv[++index],
            inlineValue: false,
          });
        } else {
          tokens.push({ kind: "option", index, name, rawName });
        }
        continue;
      }
      for (const letter of arg.slice(1)) {
        tokens.push({
          kind: "option",
          index,
          name: byShort.get(letter) ?? letter,
          rawName: `-${letter}`,
        });
      }
      continue;
    }
    tokens.push({ kind: "positional", index, value: arg });
  }
  return tokens;
}
