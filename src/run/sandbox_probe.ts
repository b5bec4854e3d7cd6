/**
 * What this machine offers for `run --sandbox`: the tool on PATH, a trial
 * sandbox with the same namespaces, and the kernel settings that can forbid
 * them. The verdict is `judgeSandbox`'s.
 */

import { machineFacts } from "../tls/trust/facts.ts";
import { BLOCKING_SYSCTLS, type SandboxFacts } from "./sandbox.ts";
import { SANDBOX_EXEC } from "./sandbox_macos.ts";

/** The smallest profile sandbox-exec accepts: whether it runs at all. */
const DARWIN_TRIAL = "(version 1) (allow default)";

function readSysctl(name: string): string | undefined {
  try {
    return Deno.readTextFileSync(`/proc/sys/${name.replaceAll(".", "/")}`);
  } catch {
    return undefined;
  }
}

/** `bwrap` arguments for a trial with the namespaces `network` asks for, running `true`. */
function bwrapTrial(network: boolean): string[] {
  const namespaces = ["--unshare-pid", ...(network ? ["--unshare-net"] : [])];
  return ["--die-with-parent", ...namespaces, "--bind", "/", "/", "--proc", "/proc", "--", "true"];
}

/** Runs `tool ARGS` as a trial sandbox: how it ended. */
async function trial(tool: string, args: string[], path: string | undefined) {
  try {
    const child = new Deno.Command(tool, {
      args,
      env: { PATH: path ?? "/usr/bin:/bin" },
      clearEnv: true,
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    const out = await child.output();
    clearTimeout(timer);
    return { ok: out.success, stderr: new TextDecoder().decode(out.stderr) };
  } catch (error) {
    return { ok: false, stderr: (error as Error).message };
  }
}

/** Probes this machine for a sandbox with (`network`) or without a network namespace. */
export async function probeSandbox(
  network: boolean,
  env: Readonly<Record<string, string | undefined>>,
): Promise<SandboxFacts> {
  const os = Deno.build.os;
  const sysctl = Object.fromEntries(BLOCKING_SYSCTLS.map(({ name }) => [name, readSysctl(name)]));
  if (os === "darwin") {
    const tool = machineFacts(env).which(SANDBOX_EXEC);
    if (!tool) return { os, sysctl };
    return {
      os,
      tool,
      probe: await trial(tool, ["-p", DARWIN_TRIAL, "/usr/bin/true"], env.PATH),
      sysctl,
    };
  }
  if (os !== "linux") return { os, sysctl };
  const tool = machineFacts(env).which("bwrap");
  if (!tool) return { os, sysctl };
  return { os, tool, probe: await trial(tool, bwrapTrial(network), env.PATH), sysctl };
}
