/**
 * The command line: finds the command, parses its flags, loads its code,
 * runs it, and turns any error into a message and an exit code. The only
 * place, with the command modules, that prints.
 */

import config from "../../deno.json" with { type: "json" };
import { AuthsomeError, isAuthsomeError } from "../errors.ts";
import { homePaths } from "../home.ts";
import type { Registry } from "../providers/registry.ts";
import { assertPrivatePath } from "../private_path.ts";
import { SANDBOX_INIT } from "../run/sandbox_linux.ts";
import { closest } from "../suggest.ts";
import { KEY_ENV_VARS } from "../vault/key_env.ts";
import { formatProblem } from "../schema_problems.ts";
import { parseCommandArgs, usage } from "./args.ts";
import type { Context, Seams } from "./command.ts";
import { COMMANDS } from "./commands.ts";
import { EXIT, exitCodeFor } from "./exit_codes.ts";
import { commandHelp, groupHelp, programHelp, usageLine } from "./help.ts";
import { type Output, processOutput, wantsColor } from "./output.ts";

/**
 * Where this authsome runs from: the binary, when compiled (`deno compile`
 * serves the code from a virtual `deno-compile-*` folder), else the checkout.
 */
function runsFrom(): string {
  const here = import.meta.url;
  if (here.includes("/deno-compile-")) return Deno.execPath();
  // This file is src/cli/mod.ts: the checkout is two folders up.
  return (import.meta.dirname ?? ".").split(/[/\\]/).slice(0, -2).join(
    Deno.build.os === "windows" ? "\\" : "/",
  );
}

/** The version line printed by `--version`, with where this authsome runs from. */
export function versionLine(): string {
  const runtime = `deno ${Deno.version.deno}, ${Deno.build.target}`;
  return `authsome ${config.version} (${runtime}) from ${runsFrom()}`;
}

const GROUPS = new Set(
  COMMANDS.filter((c) => c.name.includes(" ")).map((c) => c.name.split(" ")[0]),
);

/** Splits argv into the leading global flags, the command's words, and the rest. */
function findCommand(
  argv: readonly string[],
): { name?: string; before: string[]; after: string[] } {
  const index = argv.findIndex((arg) => !arg.startsWith("-"));
  if (index === -1 || argv.slice(0, index).includes("--")) return { before: [...argv], after: [] };
  const word = argv[index];
  const sub = argv[index + 1];
  const twoWords = GROUPS.has(word) && sub !== undefined && !sub.startsWith("-");
  return {
    name: twoWords ? `${word} ${sub}` : word,
    before: argv.slice(0, index),
    after: argv.slice(index + (twoWords ? 2 : 1)),
  };
}

function unknownCommand(name: string): AuthsomeError {
  const guess = closest(name, [...COMMANDS.map((c) => c.name), ...GROUPS, "help"]);
  return usage(
    `Unknown command "${name}"${guess ? `; did you mean "${guess}"?` : ""}`,
    "Run: authsome help",
  );
}

/** `authsome help [COMMAND]`: the program's, a group's or a command's help. */
function helpFor(name: string): string {
  if (name === "") return programHelp(COMMANDS);
  if (GROUPS.has(name)) return groupHelp(name, COMMANDS);
  const spec = COMMANDS.find((c) => c.name === name);
  if (!spec) throw unknownCommand(name);
  return commandHelp(spec);
}

function reportBroken(out: Output, registry: Registry): Registry {
  for (const { file, problems } of registry.broken) {
    out.warn(`skipped provider file "${file}":`);
    for (const problem of problems) out.note(`  ${formatProblem(file, problem)}`);
  }
  return registry;
}

function renderError(out: Output, error: AuthsomeError, json: boolean): void {
  if (json) {
    out.json({ error: { code: error.code, message: error.message, hint: error.hint ?? null } });
  } else {
    out.error(error.message, error.hint);
  }
}

/** Runs the CLI with `argv` and returns the exit code; `seams` are for test entry points only. */
export async function runCli(argv: readonly string[], seams: Seams = {}): Promise<number> {
  const env = Deno.env.toObject();
  // Read once into `env`; no program authsome starts (keyring tools, the child) inherits them.
  for (const name of KEY_ENV_VARS) Deno.env.delete(name);
  const early = argv.slice(0, argv.includes("--") ? argv.indexOf("--") : argv.length);
  const json = early.includes("--json");
  const out = processOutput(wantsColor(env, early.includes("--no-color")));
  const found = findCommand(argv);
  const spec = COMMANDS.find((c) => c.name === found.name);
  try {
    if (argv[0] === SANDBOX_INIT) {
      return await (await import("./commands/sandbox_init.ts")).runInit(argv.slice(1));
    }
    if (!spec) {
      if (found.name === "help") {
        const words = parseCommandArgs([...found.before, ...found.after], {}).positionals;
        out.line(helpFor(words.join(" ")));
        return EXIT.ok;
      }
      if (found.name !== undefined && GROUPS.has(found.name)) {
        const globals = parseCommandArgs([...found.before, ...found.after], {});
        if (globals.values.help) {
          out.line(helpFor(found.name));
          return EXIT.ok;
        }
        throw usage(`Missing subcommand for "${found.name}"`, helpFor(found.name));
      }
      const globals = parseCommandArgs(found.before, {});
      if (found.name === undefined) {
        if (globals.values.version) {
          out.line(versionLine());
          return EXIT.ok;
        }
        out.line(programHelp(COMMANDS));
        return globals.values.help ? EXIT.ok : EXIT.usage;
      }
      throw unknownCommand(found.name);
    }
    const args = parseCommandArgs(
      [...found.before, ...found.after],
      spec.options,
      spec.passthrough,
    );
    if (args.values.help) {
      out.line(commandHelp(spec));
      return EXIT.ok;
    }
    if (args.values.json && spec.jsonRefused) {
      throw usage(`--json does not apply to ${spec.name}: ${spec.jsonRefused}`, usageLine(spec));
    }
    const { min, max } = spec.positionals;
    if (args.positionals.length < min || args.positionals.length > max) {
      const what = args.positionals.length < min
        ? "Missing arguments"
        : `Unexpected argument "${args.positionals[max]}"`;
      throw usage(what, usageLine(spec));
    }
    const paths = homePaths(env);
    let registry: Promise<Registry> | undefined;
    const ctx: Context = {
      args,
      env,
      paths,
      out,
      flags: { json: args.values.json === true, verbose: args.values.verbose === true },
      seams,
      // Imported here, not above: `--version`, `--help` and `log` never load the providers.
      registry: (records) =>
        registry ??= Promise.all([
          import("../providers/registry.ts"),
          import("../vault/store.ts"),
        ]).then(([{ loadRegistry }, { cacheSecret }]) => {
          const secret = records && cacheSecret(records);
          return loadRegistry(paths.providers, secret && { dir: paths.cache, secret });
        }).then((loaded) => reportBroken(out, loaded)),
    };
    if (!spec.reportsUnsafeHome) await assertPrivatePath(paths.root);
    const module = await spec.load();
    return await module.run(ctx);
  } catch (error) {
    if (isAuthsomeError(error)) {
      const hint = error.code === "usage" && spec && !error.hint ? usageLine(spec) : error.hint;
      renderError(out, new AuthsomeError(error.code, error.message, { hint }), json);
      return exitCodeFor(error.code);
    }
    const message = error instanceof Error ? error.message : String(error);
    renderError(out, new AuthsomeError("internal", `Unexpected error: ${message}`), json);
    if (early.includes("--verbose") && error instanceof Error && error.stack) out.note(error.stack);
    return EXIT.error;
  }
}
