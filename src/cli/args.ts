/**
 * Argument parsing on the tokens of arg_tokens.ts (read as `node:util`
 * `parseArgs` reads them), with the checks it leaves out:
 * unknown flags with a "did you mean", missing values, and positional counts.
 */

import { AuthsomeError } from "../errors.ts";
import { closest } from "../suggest.ts";
import { tokenize } from "./arg_tokens.ts";

/** One flag a command takes. */
export interface OptionSpec {
  readonly type: "string" | "boolean";
  readonly short?: string;
  readonly multiple?: boolean;
  /** A boolean flag that may also take `=VALUE` (such as `--sandbox=network`). */
  readonly optionalValue?: boolean;
  /** The value's name in help, such as `NAME`. */
  readonly value?: string;
  readonly description: string;
}

/** A command's flags by name. */
export type Options = Readonly<Record<string, OptionSpec>>;

/** No flags of a command's own. */
export type NoOptions = Readonly<Record<never, OptionSpec>>;

/**
 * What a flag parses into, as its spec says: a list for a repeatable one,
 * `false` for an absent switch, `true` or the value for an optional-value one.
 */
export type OptionValue<S extends OptionSpec> = S extends { readonly optionalValue: true }
  ? string | boolean | undefined
  : S extends { readonly multiple: true } ? string[]
  : S extends { readonly type: "boolean" } ? boolean
  : string | undefined;

/** The parsed values of `O`'s flags, typed from their declaration. */
export type OptionValues<O extends Options> = { readonly [K in keyof O]: OptionValue<O[K]> };

/** The flags every command takes. */
export const GLOBAL_OPTIONS = {
  help: { type: "boolean", short: "h", description: "Show help" },
  version: { type: "boolean", short: "V", description: "Print the version" },
  verbose: { type: "boolean", short: "v", description: "Say more about what happens" },
  json: { type: "boolean", description: "Print JSON instead of text" },
  "no-color": { type: "boolean", description: "Print without colour (also NO_COLOR=1)" },
} as const satisfies Options;

/** What a command line parsed into, with `O`'s flags (and the global ones) typed. */
export interface ParsedArgs<O extends Options = NoOptions> {
  readonly values: OptionValues<typeof GLOBAL_OPTIONS & O>;
  readonly positionals: readonly string[];
  /** For commands that run another program: everything after `--` or the first positional. */
  readonly rest: readonly string[];
}

/** Parses `argv` against `options` (plus the global ones); `passthrough` keeps a trailing command intact. */
export function parseCommandArgs<O extends Options>(
  argv: readonly string[],
  options: O,
  passthrough = false,
): ParsedArgs<O> {
  const all: Options = { ...GLOBAL_OPTIONS, ...options };
  const spec = Object.fromEntries(
    Object.entries(all).map((
      [name, o],
    ) => [name, { type: o.type, ...(o.short ? { short: o.short } : {}) }]),
  );
  const tokens = tokenize(argv, spec);
  const values = absentValues(all);
  const positionals: string[] = [];
  // Every key of `all` is in `values`, each with the type its spec gives (OptionValue).
  const parsed = (rest: readonly string[]) =>
    ({ values, positionals, rest }) as unknown as ParsedArgs<O>;
  for (const token of tokens) {
    if (token.kind === "option-terminator" || (token.kind === "positional" && passthrough)) {
      const start = token.kind === "option-terminator" ? token.index + 1 : token.index;
      return parsed(argv.slice(start));
    }
    if (token.kind === "positional") {
      positionals.push(token.value);
      continue;
    }
    const option = all[token.name];
    if (!option || (token.rawName.length === 2 && option.short !== token.rawName[1])) {
      throw unknownOption(token.rawName, all);
    }
    const value = option.optionalValue
      ? (token.value ?? true)
      : option.type === "boolean"
      ? checkBoolean(token)
      : checkString(token);
    const previous = values[token.name];
    values[token.name] = Array.isArray(previous) ? [...previous, String(value)] : value;
  }
  return parsed([]);
}

/** The value of each flag not given: `[]` for a repeatable one, `false` for a switch. */
function absentValues(all: Options): Record<string, string | boolean | string[] | undefined> {
  return Object.fromEntries(
    Object.entries(all).map(([name, o]) => [
      name,
      o.optionalValue ? undefined : o.multiple ? [] : o.type === "boolean" ? false : undefined,
    ]),
  );
}

function checkBoolean(token: { rawName: string; value?: string }): boolean {
  if (token.value !== undefined) throw usage(`Option ${token.rawName} takes no value`);
  return true;
}

function checkString(token: { rawName: string; value?: string; inlineValue?: boolean }): string {
  if (
    token.value === undefined ||
    (!token.inlineValue && token.value.startsWith("-") && token.value !== "-")
  ) {
    throw usage(`Option ${token.rawName} needs a value`);
  }
  return token.value;
}

function unknownOption(raw: string, all: Readonly<Record<string, OptionSpec>>): AuthsomeError {
  const names = Object.keys(all).map((name) => `--${name}`);
  const guess = raw.startsWith("--") ? closest(raw, names) : undefined;
  return usage(`Unknown option ${raw}${guess ? `; did you mean ${guess}?` : ""}`);
}

/** A usage error (exit 2). */
export function usage(message: string, hint?: string): AuthsomeError {
  return new AuthsomeError("usage", message, { hint });
}
