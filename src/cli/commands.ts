/**
 * The command table: each command's help and flags, and a literal dynamic
 * import of its code so that `deno compile` embeds it and start-up loads only
 * the command that runs.
 */

import type { CommandSpec } from "./command.ts";

/** Every command, in the order help lists them. */
export const COMMANDS: readonly CommandSpec[] = [
  {
    name: "list",
    summary: "List providers and connections (never a secret)",
    synopsis: "[--json]",
    options: {},
    positionals: { min: 0, max: 0 },
    load: () => import("./commands/list.ts"),
  },
  {
    name: "inspect",
    summary: "Show a provider's definition, where it came from, and its connections",
    synopsis: "PROVIDER [--json]",
    options: {},
    positionals: { min: 1, max: 1 },
    load: () => import("./commands/inspect.ts"),
  },
  {
    name: "providers validate",
    summary: "Check a provider JSON file and print every problem with its JSON path",
    synopsis: "FILE [--json]",
    options: {},
    positionals: { min: 1, max: 1 },
    load: () => import("./commands/providers_validate.ts"),
  },
];
