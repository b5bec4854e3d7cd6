/**
 * Which OAuth flow a login uses, and how a browser is opened: pure decisions
 * from the definition, the `--flow` flag, the platform and the environment.
 */

import { AuthsomeError } from "../../errors.ts";
import type { OAuthSpec } from "../../providers/schema.ts";

/** An OAuth flow authsome can run. */
export type OAuthFlow = "pkce" | "device_code" | "client_credentials";

/** Every flow, in the order they are preferred. */
export const OAUTH_FLOWS: readonly OAuthFlow[] = ["pkce", "device_code", "client_credentials"];

/** The flows a provider supports: its `flows`, else what its endpoints allow. */
export function availableFlows(spec: OAuthSpec): OAuthFlow[] {
  if (spec.flows) return [...spec.flows];
  const flows: OAuthFlow[] = [];
  if (spec.authorization_url || spec.discovery_url || spec.dynamic_registration) flows.push("pkce");
  if (spec.device_authorization_url) flows.push("device_code");
  return flows;
}

/** What the machine offers a login. */
export interface Surroundings {
  readonly os: typeof Deno.build.os;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Whether stdin and stderr are terminals. */
  readonly interactive: boolean;
}

/** True where a browser can be shown: a desktop session on Linux and BSD, always on macOS and Windows. */
export function hasDisplay(s: Pick<Surroundings, "os" | "env">): boolean {
  if (s.os === "darwin" || s.os === "windows") return true;
  return !!(s.env.DISPLAY || s.env.WAYLAND_DISPLAY);
}

/** True when no one can use a browser here: no display, CI, or no terminal. */
export function isHeadless(s: Surroundings): boolean {
  const ci = s.env.CI !== undefined && s.env.CI !== "" && s.env.CI !== "false";
  return !hasDisplay(s) || ci || !s.interactive;
}

/**
 * The flow to run: the requested one if the provider supports it; else the
 * device code flow on a headless machine when supported, else the first of
 * PKCE, device code, client credentials the provider supports.
 */
export function chooseFlow(
  requested: string | undefined,
  spec: OAuthSpec,
  surroundings: Surroundings,
  provider: string,
): OAuthFlow {
  const flows = availableFlows(spec);
  const list = [...flows, "api_key"].join(", ");
  if (requested !== undefined) {
    const known = OAUTH_FLOWS.find((flow) => flow === requested);
    if (!known || !flows.includes(known)) {
      throw new AuthsomeError(
        "usage",
        `Provider "${provider}" does not support --flow ${requested}`,
        { hint: `Its flows: ${list}` },
      );
    }
    return known;
  }
  if (flows.length === 0) {
    throw new AuthsomeError("invalid", `Provider "${provider}" declares no OAuth flow`, {
      hint: `Store a token you already have: authsome login ${provider} --flow api_key`,
    });
  }
  if (isHeadless(surroundings) && flows.includes("device_code")) return "device_code";
  return OAUTH_FLOWS.find((flow) => flows.includes(flow))!;
}

/**
 * The command that opens `url` in a browser, or undefined when none should
 * be tried. `BROWSER` names another opener; `BROWSER=none` turns it off.
 */
export function browserCommand(
  url: string,
  s: Pick<Surroundings, "os" | "env">,
): string[] | undefined {
  const chosen = s.env.BROWSER;
  if (chosen !== undefined && chosen !== "") return chosen === "none" ? undefined : [chosen, url];
  switch (s.os) {
    case "darwin":
      return ["open", url];
    case "windows":
      // cmd reads & as a command separator; ^ escapes it.
      return ["cmd", "/c", "start", "", url.replaceAll("&", "^&")];
    default:
      return hasDisplay(s) ? ["xdg-open", url] : undefined;
  }
}
