/**
 * Which sandbox `run` was asked for, from `--sandbox` or `AUTHSOME_SANDBOX`.
 * Apart from the rest of the sandbox code, which a run loads only when it
 * builds one.
 */

import { AuthsomeError } from "../errors.ts";

/** No sandbox, one without the key (`on`), or one whose only way out is the proxy (`network`). */
export type SandboxMode = "off" | "on" | "network";

/**
 * The mode from `--sandbox[=on|network|off]` (true when given bare), else
 * `AUTHSOME_SANDBOX` (1, on, network; 0, off or empty for none).
 */
export function sandboxMode(
  flag: string | boolean | undefined,
  env: Readonly<Record<string, string | undefined>>,
): SandboxMode {
  const pick = (value: string, from: string): SandboxMode => {
    switch (value.trim().toLowerCase()) {
      case "":
      case "0":
      case "off":
        return "off";
      case "1":
      case "on":
        return "on";
      case "network":
        return "network";
      default:
        throw new AuthsomeError("usage", `Unknown sandbox "${value}" in ${from}`, {
          hint: "Use --sandbox, --sandbox=network or --sandbox=off (AUTHSOME_SANDBOX=1|network|0)",
        });
    }
  };
  if (flag === true) return "on";
  if (typeof flag === "string") return pick(flag, "--sandbox");
  return pick(env.AUTHSOME_SANDBOX ?? "", "AUTHSOME_SANDBOX");
}
