/**
 * Checks an `authsome ...` command line shown in the documentation against
 * the program's own command table and argument parser: the command exists,
 * every flag is known and has its value, the argument count fits, `run` has
 * a command after `--`, and a provider named is one that exists. Pure.
 */

import { isAuthsomeError } from "../../src/errors.ts";
import { parseCommandArgs } from "../../src/cli/args.ts";
import { COMMANDS } from "../../src/cli/commands.ts";

const GROUPS = new Set(
  COMMANDS.filter((c) => c.name.includes(" ")).map((c) => c.name.split(" ")[0]),
);

/** Commands whose first argument is a provider's name. */
const TAKES_PROVIDER = new Set(["login", "logout", "inspect", "set-default", "export"]);

/** Words that stand for a value the reader chooses, as `PROVIDER` or `$NAME`. */
function isPlaceholder(word: string): boolean {
  return /^[A-Z][A-Z0-9_]*$/.test(word) || word.includes("$") || word.includes("SUBST");
}

/** Why `argv` (the words after `authsome`) would not run, or undefined when it would. */
export function checkInvocation(
  argv: readonly string[],
  providers: ReadonlySet<string>,
): string | undefined {
  const index = argv.findIndex((arg) => !arg.startsWith("-"));
  const before = index === -1 ? [...argv] : argv.slice(0, index);
  if (index === -1 || before.includes("--")) {
    return attempt(() => parseCommandArgs(before, {}));
  }
  const word = argv[index];
  const sub = argv[index + 1];
  const twoWords = GROUPS.has(word) && sub !== undefined && !sub.startsWith("-");
  const name = twoWords ? `${word} ${sub}` : word;
  const spec = COMMANDS.find((c) => c.name === name);
  if (!spec) return `unknown command "${name}"`;
  const rest = argv.slice(index + (twoWords ? 2 : 1));
  let parsed;
  try {
    parsed = parseCommandArgs([...before, ...rest], spec.options, spec.passthrough);
  } catch (error) {
    if (isAuthsomeError(error)) return error.message;
    throw error;
  }
  if (parsed.values.help) return undefined;
  const count = parsed.positionals.length;
  if (count < spec.positionals.min || count > spec.positionals.max) {
    return `"${name}" takes ${spec.positionals.min}-${spec.positionals.max} argument(s), not ${count}`;
  }
  if (spec.passthrough && parsed.rest.length === 0) return `"${name}" needs a command after --`;
  const provider = parsed.positionals[0];
  if (
    TAKES_PROVIDER.has(name) && provider !== undefined && !isPlaceholder(provider) &&
    !providers.has(provider)
  ) {
    return `no provider "${provider}"`;
  }
  return undefined;
}

function attempt(parse: () => unknown): string | undefined {
  try {
    parse();
    return undefined;
  } catch (error) {
    if (isAuthsomeError(error)) return error.message;
    throw error;
  }
}
