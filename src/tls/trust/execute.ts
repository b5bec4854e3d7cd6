/**
 * The one executor of trust-store plans. It runs probes (read-only) and
 * steps through a command runner it is handed, so tests can hand in their
 * own. A step that needs root runs directly as root, through `sudo -n` when
 * sudo needs no password, and otherwise nothing of that store runs: the
 * outcome carries the exact commands for the user to run with sudo or as an
 * administrator. Nothing here prompts.
 */

import type { CaRef, Probe, Step, StorePlan, StoreState, TrustStore } from "./plan.ts";
import { renderStep } from "./plan.ts";

/** What a finished command left. */
export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs one command to completion (never through a shell). */
export type CommandRunner = (argv: readonly string[]) => Promise<CommandResult>;

/** What the executor needs from the world. */
export interface Executor {
  readonly run: CommandRunner;
  /** A file's text; undefined when it cannot be read. */
  readonly readFile: (path: string) => Promise<string | undefined>;
  /** Root (or, on Windows, assumed: a failing machine step then names the administrator's command). */
  readonly elevated: boolean;
  /** True when `sudo -n` works (asked at most once). */
  readonly passwordlessSudo: () => Promise<boolean>;
}

/** How a plan for one store ended. */
export type Outcome =
  | { readonly kind: "done"; readonly plan: StorePlan }
  | { readonly kind: "skipped"; readonly plan: StorePlan }
  | {
    readonly kind: "needs_privilege";
    readonly plan: StorePlan;
    /** The commands to run, exactly, with sudo or as an administrator. */
    readonly commands: readonly string[];
    readonly output?: string;
  }
  | {
    readonly kind: "failed";
    readonly plan: StorePlan;
    readonly command: string;
    readonly output: string;
  };

/** True when `probe` succeeds. */
export async function runProbe(probe: Probe, exec: Executor): Promise<boolean> {
  if (probe.kind === "file") {
    const text = await exec.readFile(probe.path);
    return text !== undefined && (probe.includes === undefined || text.includes(probe.includes));
  }
  const result = await exec.run(probe.argv);
  return result.code === 0 &&
    (probe.stdoutIncludes === undefined || result.stdout.includes(probe.stdoutIncludes));
}

/** Whether `store` trusts `ca`, and whether it holds anything of `ca` that uninstall removes. */
export async function storeState(
  store: TrustStore,
  ca: CaRef,
  exec: Executor,
): Promise<StoreState> {
  const trusted = await runProbe(store.trusted(ca), exec);
  const removable = store.removable ? await runProbe(store.removable(ca), exec) : trusted;
  return { trusted, removable };
}

const tail = (text: string) => text.trim().split("\n").slice(-5).join("\n");

/** Runs a plan's steps in order; stops at the first failure. */
export async function executePlan(plan: StorePlan, exec: Executor): Promise<Outcome> {
  if (plan.skip) return { kind: "skipped", plan };
  const { store } = plan;
  const elevate = plan.steps.some((step) => step.sudo) && !exec.elevated;
  const commands = plan.steps.map((step) => renderStep(step, store.elevation, exec.elevated));
  const viaSudo = elevate && store.elevation === "sudo" && await exec.passwordlessSudo();
  if (elevate && store.elevation === "sudo" && !viaSudo) {
    return { kind: "needs_privilege", plan, commands };
  }
  for (const [i, step] of plan.steps.entries()) {
    const argv = viaSudo && step.sudo ? ["sudo", "-n", "--", ...step.argv] : step.argv;
    const result = await exec.run(argv);
    const output = tail(`${result.stderr}\n${result.stdout}`);
    if (result.code === 0 || (step.nothingToDo && output.includes(step.nothingToDo))) continue;
    if (step.sudo && store.elevation === "administrator") {
      return { kind: "needs_privilege", plan, commands: commands.slice(i), output };
    }
    return { kind: "failed", plan, command: commands[i], output };
  }
  return { kind: "done", plan };
}

/** The steps of `plan`, as a dry run prints them. */
export function renderPlan(plan: StorePlan, elevated: boolean): string[] {
  return plan.steps.map((step: Step) => renderStep(step, plan.store.elevation, elevated));
}

/** An executor on this machine's processes and files. */
export function systemExecutor(env: Readonly<Record<string, string | undefined>>): Executor {
  const run: CommandRunner = async (argv) => {
    try {
      const output = await new Deno.Command(argv[0], {
        args: argv.slice(1),
        env: Object.fromEntries(
          Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined),
        ),
        clearEnv: true,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).output();
      const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
      return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
    } catch (error) {
      return { code: 127, stdout: "", stderr: `${argv[0]}: ${(error as Error).message}` };
    }
  };
  let sudo: Promise<boolean> | undefined;
  return {
    run,
    readFile: (path) => Deno.readTextFile(path).catch(() => undefined),
    elevated: Deno.build.os === "windows" || Deno.uid() === 0,
    passwordlessSudo: () => sudo ??= run(["sudo", "-n", "true"]).then((r) => r.code === 0),
  };
}
