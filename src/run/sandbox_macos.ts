/**
 * The macOS sandbox as a `sandbox-exec` profile (Seatbelt's SBPL). Pure:
 * the profile is text, tested on any platform. There is no PID namespace
 * on macOS: other processes' information is denied instead, and authsome's
 * own process refuses debuggers (src/run/protect.ts).
 */

import type { SandboxPlan } from "./sandbox_linux.ts";

/** Where `sandbox-exec` lives on every macOS release. */
export const SANDBOX_EXEC = "/usr/bin/sandbox-exec";

/** Mach services of the keychain: asking them is how a program reads a keychain item. */
export const KEYCHAIN_SERVICES: readonly string[] = [
  "com.apple.SecurityServer",
  "com.apple.securityd.xpc",
  "com.apple.security.keychaind",
  "com.apple.secd",
];

/** An SBPL string literal. */
function quote(text: string): string {
  return `"${text.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
}

/**
 * The profile for `plan`: everything allowed as the user has it, then (later
 * rules win) the hidden folders denied, the exposed paths readable again,
 * the keychain's services and files denied, other processes' information
 * denied, and with `network` every outbound connection but the proxy's port
 * on loopback denied. `home` is the user's home, for ~/Library/Keychains.
 */
export function seatbeltProfile(plan: SandboxPlan, home: string): string {
  const lines = [
    "(version 1)",
    "(allow default)",
    ";; authsome's home: the vault, its key file, providers and cache",
    ...plan.hide.map((dir) => `(deny file-read* file-write* (subpath ${quote(dir)}))`),
    ";; the run's CA bundle and sitecustomize",
    ...plan.expose.map((path) => `(allow file-read* (subpath ${quote(path)}))`),
    ";; the keychain",
    `(deny mach-lookup ${KEYCHAIN_SERVICES.map((s) => `(global-name ${quote(s)})`).join(" ")})`,
    `(deny file-read* file-write* (subpath ${quote(`${home}/Library/Keychains`)}))`,
    ";; no other process: not authsome, not an ancestor",
    "(deny process-info* (target others))",
    "(deny process-info-pidinfo (target others))",
  ];
  if (plan.network) {
    lines.push(
      ";; the only way out is the proxy",
      '(deny network-outbound (remote ip "*:*"))',
      `(allow network-outbound (remote ip ${quote(`localhost:${plan.network.port}`)}))`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/** `sandbox-exec` arguments that run `argv` under `profile`. */
export function sandboxExecArgs(profile: string, argv: readonly string[]): string[] {
  return [SANDBOX_EXEC, "-p", profile, ...argv];
}
