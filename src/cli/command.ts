/** The shape of a CLI command: its help, its flags, and a lazily loaded implementation. */

import type { Clock } from "../auth/oauth/mod.ts";
import type { HomePaths } from "../home.ts";
import type { Registry } from "../providers/registry.ts";
import type { Records } from "../vault/store.ts";
import type { NoOptions, Options, ParsedArgs } from "./args.ts";
import type { Output } from "./output.ts";

/** The flags every command sees. */
export interface GlobalFlags {
  readonly json: boolean;
  readonly verbose: boolean;
}

/**
 * What a test's entry point passes in place of the real thing (dependency
 * injection); `main.ts` passes nothing. See `tests/fixtures/hooked_main.ts`.
 */
export interface Seams {
  /** Runs between writing a new vault file and renaming it over the old one. */
  readonly beforeVaultRename?: () => Promise<void>;
  /** The clock of an OAuth login: how long a server's second is, and how to sleep. */
  readonly loginClock?: Clock;
}

/** What a running command gets; `O` are its flags, whose values `args` types. */
export interface Context<O extends Options = NoOptions> {
  readonly args: ParsedArgs<O>;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly paths: HomePaths;
  readonly out: Output;
  readonly flags: GlobalFlags;
  /** What a test entry injected; empty when run as shipped. */
  readonly seams?: Seams;
  /**
   * The provider registry, loaded on first use and reported once. Given the
   * vault's records, it may use the cache they authenticate (registry_cache.ts).
   */
  registry(records?: Records): Promise<Registry>;
}

/** A command's implementation, for the flags `O`; returns the exit code. */
export interface CommandModule<O extends Options = Options> {
  readonly run: (ctx: Context<O>) => Promise<number>;
}

/** A command's help and flags `O`, as declared in command_specs.ts. */
export interface CommandInfo<O extends Options> {
  /** One word, or two for a group (`providers validate`). */
  readonly name: string;
  readonly summary: string;
  /** Arguments after the name, as shown in usage. */
  readonly synopsis: string;
  readonly description?: string;
  readonly options: O;
  readonly positionals: { readonly min: number; readonly max: number };
  /** Why `--json` does not apply, for a command whose output is not authsome's to shape. */
  readonly jsonRefused?: string;
  /** Takes a command to run after `--`. */
  readonly passthrough?: boolean;
  /** Reports an unsafe home itself instead of being refused (doctor). */
  readonly reportsUnsafeHome?: boolean;
}

/** A command's help and flags, cheap to hold; `load` imports the code only when it runs. */
export interface CommandSpec extends CommandInfo<Options> {
  readonly load: () => Promise<CommandModule>;
}

/** Declares a command's help and flags, keeping each flag's type for its module. */
export function defineCommand<const O extends Options>(info: CommandInfo<O>): CommandInfo<O> {
  return info;
}

/**
 * A table entry: `load` must give a module whose `run` reads no flag that
 * `info` does not declare, with the type `info` gives it. The CLI parses with
 * `info.options`, so the values it passes are the ones the module was typed for.
 */
export function command<O extends Options>(
  info: CommandInfo<O>,
  load: () => Promise<CommandModule<O>>,
): CommandSpec {
  return { ...info, load: load as () => Promise<CommandModule> };
}
