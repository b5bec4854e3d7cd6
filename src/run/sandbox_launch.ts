/**
 * Starts a prepared run's child inside the sandbox: works out what to hide
 * and what to show on this machine, opens the proxy's socket for
 * `--sandbox=network`, and says how signals reach the child.
 */

import { join } from "node:path";
import { AuthsomeError } from "../errors.ts";
import type { HomePaths } from "../home.ts";
import { proxySocket } from "./bridge.ts";
import type { ChildOptions } from "./child.ts";
import { sandboxedArgv, selfCommand } from "./sandbox.ts";
import type { SandboxMode } from "./sandbox_mode.ts";
import { dbusSocketPaths, type SandboxPlan } from "./sandbox_linux.ts";
import { signalSender } from "./signal_channel.ts";

/** The child's command line in the sandbox, and what to close after it. */
export interface Launch extends AsyncDisposable {
  readonly argv: string[];
  readonly options: ChildOptions;
}

/** What the launch needs from the prepared run. */
export interface LaunchInput {
  readonly mode: Exclude<SandboxMode, "off">;
  /** bwrap or sandbox-exec, as the probe found it. */
  readonly tool: string;
  readonly paths: HomePaths;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly runDir: string;
  readonly caPath: string;
  readonly proxyPort: number;
  readonly argv: readonly string[];
}

/** Unix socket paths longer than this do not fit `sockaddr_un` on macOS (Linux allows 107). */
const MAX_SOCKET_PATH = 103;

function real(path: string): string {
  try {
    return Deno.realPathSync(path);
  } catch {
    return path;
  }
}

function exists(path: string): boolean {
  try {
    Deno.lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Builds the plan for this machine and the command line that runs the child under it. */
export function launchSandboxed(input: LaunchInput): Launch {
  const os = Deno.build.os;
  const bus = dbusSocketPaths(input.env);
  if (os === "linux" && bus.abstract && input.mode !== "network") {
    throw new AuthsomeError(
      "unsupported",
      "The D-Bus session bus (the keyring's way in) listens on an abstract socket, which only a network namespace hides",
      { hint: "Use --sandbox=network" },
    );
  }
  const keyringDir = input.env.XDG_RUNTIME_DIR
    ? join(input.env.XDG_RUNTIME_DIR, "keyring")
    : undefined;
  const runDir = real(input.runDir);
  const socket = join(runDir, "proxy.sock");
  const control = join(runDir, "control.sock");
  if (os === "linux" && socket.length > MAX_SOCKET_PATH) {
    throw new AuthsomeError(
      "unsupported",
      `The run folder's path is too long for a Unix socket: "${socket}"`,
      { hint: "Set AUTHSOME_HOME to a shorter path" },
    );
  }
  const plan: SandboxPlan = {
    hide: [real(input.paths.root), ...(keyringDir && exists(keyringDir) ? [keyringDir] : [])],
    expose: [runDir, real(input.caPath)],
    sockets: bus.paths.filter(exists),
    network: input.mode === "network" ? { port: input.proxyPort, socket } : undefined,
    control: os === "linux" ? control : undefined,
  };
  const bridge = os === "linux" && plan.network ? proxySocket(socket, input.proxyPort) : undefined;
  const signals = plan.control ? signalSender(plan.control) : undefined;
  const argv = sandboxedArgv(os, input.tool, plan, input.argv, {
    self: selfCommand(),
    home: input.env.HOME ?? "",
  });
  // bwrap passes no signal on: it goes to the helper inside, down the control socket.
  const options: ChildOptions = signals ? { deliver: (_, signal) => signals.send(signal) } : {};
  return {
    argv,
    options,
    [Symbol.asyncDispose]: async () => {
      await signals?.[Symbol.asyncDispose]();
      await bridge?.[Symbol.asyncDispose]();
    },
  };
}
