/**
 * `run --sandbox`: whether this machine can build the sandbox asked for
 * (sandbox_mode.ts reads which one), and if not, why and what to do, and the
 * command line that starts the child inside it. A sandbox that cannot be
 * built is an error, never a run without one.
 */

import { AuthsomeError } from "../errors.ts";
import { LIBC_PATHS } from "./protect.ts";
import { bwrapArgs, ignoringSignals, type SandboxPlan } from "./sandbox_linux.ts";
import { SANDBOX_EXEC, sandboxExecArgs, seatbeltProfile } from "./sandbox_macos.ts";

/** What the machine offers, as the probe found it. */
export interface SandboxFacts {
  readonly os: typeof Deno.build.os;
  /** The bwrap (Linux) or sandbox-exec (macOS) found, if any. */
  readonly tool?: string;
  /** How a trial sandbox ended, when the tool was there. */
  readonly probe?: { readonly ok: boolean; readonly stderr: string };
  /** Kernel settings that forbid unprivileged user namespaces, as read from /proc/sys. */
  readonly sysctl: Readonly<Record<string, string | undefined>>;
}

/** Whether the sandbox can be built, or the reason and the fix. */
export type SandboxVerdict =
  | { readonly kind: "ok"; readonly tool: string }
  | { readonly kind: "unavailable"; readonly reason: string; readonly fix: string };

const INSTALL =
  "Install bubblewrap: sudo apt-get install bubblewrap (Fedora: sudo dnf install bubblewrap; Arch: sudo pacman -S bubblewrap; Alpine: sudo apk add bubblewrap)";

/** The sysctls that block unprivileged user namespaces, the value that blocks, and the fix. */
export const BLOCKING_SYSCTLS: readonly { name: string; blocks: string; fix: string }[] = [
  {
    name: "user.max_user_namespaces",
    blocks: "0",
    fix: "sudo sysctl -w user.max_user_namespaces=15000",
  },
  {
    name: "kernel.unprivileged_userns_clone",
    blocks: "0",
    fix: "sudo sysctl -w kernel.unprivileged_userns_clone=1",
  },
  {
    name: "kernel.apparmor_restrict_unprivileged_userns",
    blocks: "1",
    fix:
      "sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0, or an AppArmor profile that lets bwrap create user namespaces (Ubuntu 24.04: see /etc/apparmor.d/bwrap-userns-restrict)",
  },
];

/** Decides from `facts` whether the sandbox can be built. Pure. */
export function judgeSandbox(facts: SandboxFacts): SandboxVerdict {
  const off = "run without --sandbox (the child can then reach the vault key)";
  if (facts.os === "darwin") {
    if (!facts.tool) {
      return {
        kind: "unavailable",
        reason: `${SANDBOX_EXEC} is missing`,
        fix: `Restore macOS's sandbox-exec, or ${off}`,
      };
    }
    if (facts.probe && !facts.probe.ok) {
      return {
        kind: "unavailable",
        reason: `sandbox-exec cannot start a program: ${facts.probe.stderr.trim().split("\n")[0]}`,
        fix: `authsome cannot nest sandboxes: ${off}, or start it outside the sandbox it runs in`,
      };
    }
    return { kind: "ok", tool: facts.tool };
  }
  if (facts.os !== "linux") {
    return {
      kind: "unavailable",
      reason: `authsome has no sandbox for ${facts.os}`,
      fix: `Run authsome in WSL2 or a Linux container, or ${off}`,
    };
  }
  if (!facts.tool) {
    return { kind: "unavailable", reason: "bubblewrap (bwrap) is not installed", fix: INSTALL };
  }
  if (facts.probe?.ok) return { kind: "ok", tool: facts.tool };
  const said = facts.probe?.stderr.trim().split("\n")[0] ?? "it did not start";
  for (const sysctl of BLOCKING_SYSCTLS) {
    if (facts.sysctl[sysctl.name]?.trim() === sysctl.blocks) {
      return {
        kind: "unavailable",
        reason:
          `unprivileged user namespaces are disabled (${sysctl.name} = ${sysctl.blocks}), so bwrap cannot build the sandbox: ${said}`,
        fix: sysctl.fix,
      };
    }
  }
  return {
    kind: "unavailable",
    reason: `bwrap cannot build the sandbox: ${said}`,
    fix:
      "Allow unprivileged user namespaces (sysctl user.max_user_namespaces; in a container, run it with --security-opt seccomp=unconfined or use a VM)",
  };
}

/** The verdict as the error `run --sandbox` stops with (exit 1). */
export function unavailableError(verdict: SandboxVerdict & { kind: "unavailable" }): AuthsomeError {
  return new AuthsomeError(
    "unsupported",
    `Cannot build the sandbox: ${verdict.reason}; the command was not started`,
    { hint: verdict.fix },
  );
}

/** The command that starts this program again: the compiled binary, or deno with main.ts. */
export function selfCommand(): string[] {
  if (Deno.build.standalone) return [Deno.execPath()];
  // What the helper inside the sandbox needs: a subset of the compiled binary's permissions.
  const permissions = [
    "--allow-net",
    "--allow-read",
    "--allow-write",
    "--allow-run",
    "--allow-env",
    `--allow-ffi=${LIBC_PATHS.join(",")}`,
    "--no-prompt",
  ];
  // A file URL's path, read without node:url (14 ms of every run's start-up): sandboxes are POSIX only.
  const main = decodeURIComponent(new URL(Deno.mainModule).pathname);
  return [Deno.execPath(), "run", ...permissions, "--quiet", main];
}

/** The command line that runs `argv` under `plan` on `os`, with the tool `tool`. */
export function sandboxedArgv(
  os: typeof Deno.build.os,
  tool: string,
  plan: SandboxPlan,
  argv: readonly string[],
  context: { readonly self: readonly string[]; readonly home: string },
): string[] {
  if (os === "darwin") return sandboxExecArgs(seatbeltProfile(plan, context.home), argv);
  return ignoringSignals([tool, ...bwrapArgs(plan, context.self, argv)]);
}
