/** Help text for the program and for each command, built from the command specs. */

import { GLOBAL_OPTIONS, type OptionSpec } from "./args.ts";
import type { CommandSpec } from "./command.ts";

function optionLines(options: Readonly<Record<string, OptionSpec>>): string[] {
  const rows = Object.entries(options).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : "    "}--${name}${
      o.type === "string" ? ` ${o.value ?? "VALUE"}` : o.optionalValue ? `[=${o.value}]` : ""
    }`;
    return [flag, o.description + (o.multiple ? " (repeatable)" : "")];
  });
  const width = Math.max(...rows.map(([flag]) => flag.length));
  return rows.map(([flag, text]) => `  ${flag.padEnd(width)}  ${text}`);
}

/** The usage line of a command. */
export function usageLine(spec: CommandSpec): string {
  return `Usage: authsome ${spec.name}${spec.synopsis ? ` ${spec.synopsis}` : ""}`;
}

/** The full help of one command. */
export function commandHelp(spec: CommandSpec): string {
  const lines = [usageLine(spec), "", spec.summary];
  if (spec.description) lines.push("", spec.description);
  if (Object.keys(spec.options).length > 0) {
    lines.push("", "Options:", ...optionLines(spec.options));
  }
  lines.push("", "Global options:", ...optionLines(GLOBAL_OPTIONS));
  return lines.join("\n");
}

/** The program's help: what it is, its commands, its environment. */
export function programHelp(specs: readonly CommandSpec[]): string {
  const width = Math.max(...specs.map((s) => s.name.length));
  return [
    "authsome: a credential gateway for AI agents and CI jobs",
    "",
    "Usage: authsome [--verbose] [--json] [--no-color] COMMAND [ARGS...]",
    "",
    "Commands:",
    ...specs.map((s) => `  ${s.name.padEnd(width)}  ${s.summary}`),
    "",
    "Global options:",
    ...optionLines(GLOBAL_OPTIONS),
    "",
    "Environment:",
    "  AUTHSOME_HOME        Where authsome keeps everything (default ~/.authsome)",
    "  AUTHSOME_PASSPHRASE  Unlocks the vault where no OS keyring is available",
    "  AUTHSOME_MASTER_KEY  Base64 of a 32-byte vault key (CI)",
    "  AUTHSOME_SANDBOX     1 or network: run --sandbox by default",
    "  NO_COLOR             Print without colour",
    "",
    "Exit codes: 0 ok, 1 error, 2 usage, 3 not found, 4 authentication, 5 vault, 6 network;",
    "run exits with the command's own code, or 128+N when it died of signal N.",
    "",
    "Run 'authsome help COMMAND' or 'authsome COMMAND --help' for a command's options.",
  ].join("\n");
}

/** The help of a command group (`cert`, `vault`, `providers`): its subcommands. */
export function groupHelp(group: string, specs: readonly CommandSpec[]): string {
  const members = specs.filter((s) => s.name.startsWith(`${group} `));
  const width = Math.max(...members.map((s) => s.name.length));
  return [
    `Usage: authsome ${group} SUBCOMMAND [ARGS...]`,
    "",
    "Subcommands:",
    ...members.map((s) => `  ${s.name.padEnd(width)}  ${s.summary}`),
    "",
    `Run 'authsome ${group} SUBCOMMAND --help' for a subcommand's options.`,
  ].join("\n");
}
