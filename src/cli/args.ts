/**
 * Argument parsing on `node:util` `parseArgs`, with the checks it leaves out:
 * unknown flags with a "did you mean", missing values, and positional counts.
 */

import { parseArgs } from "node:util";
import { AuthsomeError } from "../errors.ts";
import { closest } from "../suggest.ts";

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

/** The flags every command takes. */
export const GLOBAL_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  help: { type: "boolean", short: "h", description: "Show help" },
  version: { type: "boolean", short: "V", description: "Print the version" },
  verbose: { type: "boolean", short: "v", description: "Say more about what happens" },
  json: { type: "boolean", description: "Print JSON instead of text" },
  "no-color": { type: "boolean", description: "Print without colour (also NO_COLOR=1)" },
};

/** What a command line parsed into. */
export interface ParsedArgs {
  readonly values: Readonly<Record<string, string | boolean | string[] | undefined>>;
  readonly positionals: readonly string[];
  /** For commands that run another program: everything after `--` or the first positional. */
  readonly rest: readonly string[];
}

/** Parses `argv` against `options` (plus the global ones); `passthrough` keeps a trailing command intact. */
export function parseCommandArgs(
  argv: readonly string[],
  options: Readonly<Record<string, OptionSpec>>,
  passthrough = false,
): ParsedArgs {
  const all = { ...GLOBAL_OPTIONS, ...options };
  const spec = Object.fromEntries(
    Object.entries(all).map((
      [name, o],
    ) => [name, { type: o.type, ...(o.short ? { short: o.short } : {}) }]),
  );
  const { tokens } = parseArgs({
    args: [...argv],
    options: spec,
    strict: false,
    tokens: true,
    allowPositionals: true,
  });
  const values: Record<string, string | boolean | string[] | undefined> = {};
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === "option-terminator" || (token.kind === "positional" && passthrough)) {
      const start = token.kind === "option-terminator" ? token.index + 1 : token.index;
      return { values, positionals, rest: argv.slice(start) };
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
    values[token.name] = option.multiple
      ? [...((values[token.name] as string[] | undefined) ?? []), value as string]
      : value;
  }
  return { values, positionals, rest: [] };
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
