/** The `--connection PROVIDER=NAME` flags of `run`, read into the choice `CredentialSource` takes. */

import { AuthsomeError } from "../errors.ts";

/** Parses `--connection PROVIDER=NAME` flags into a map; a malformed one is a usage error. */
export function parseConnectionChoices(flags: readonly string[]): Map<string, string> {
  const choices = new Map<string, string>();
  for (const flag of flags) {
    const [provider, name, ...rest] = flag.split("=");
    if (!provider || !name || rest.length > 0) {
      throw new AuthsomeError("usage", `--connection "${flag}" must be PROVIDER=NAME`, {
        hint: "For example: --connection github=work",
      });
    }
    choices.set(provider, name);
  }
  return choices;
}
