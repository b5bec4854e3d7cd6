/** Helpers for end-to-end runs: a logged-in home, an origin, and `authsome run` with a child. */

import { authsome, type CliResult, tempHome } from "./cli.ts";
import { type Origin, startOrigin } from "../../scripts/fake_api.ts";

/** The key stored for openai in e2e homes: a canary searched for in every output. */
export const CANARY = "sk-canary-e2e-4f1d2c3b4a5968778695a4b3";

/** A temporary home with openai logged in, and an origin serving api.openai.com. */
export interface E2E extends AsyncDisposable {
  readonly home: string;
  readonly origin: Origin;
  /** `authsome run` with the origin's --connect-to and --upstream-ca, then `-- ...child`. */
  run(
    child: readonly string[],
    options?: { flags?: string[]; env?: Record<string, string> },
  ): Promise<CliResult>;
}

/** Sets up an e2e home; `providers` are logged in with the canary key. */
export async function e2e(providers: readonly string[] = ["openai"]): Promise<E2E> {
  const home = await tempHome();
  const origin = await startOrigin(["api.openai.com"]);
  for (const provider of providers) {
    const key = provider === "anthropic" ? CANARY.replace("sk-", "sk-ant-") : CANARY;
    const result = await authsome(["login", provider, "--key-stdin"], {
      home: home.path,
      stdin: key,
    });
    if (result.code !== 0) throw new Error(result.stderr);
  }
  return {
    home: home.path,
    origin,
    run: (child, options = {}) =>
      authsome([
        "run",
        ...origin.connectTo("api.openai.com"),
        "--upstream-ca",
        origin.caFile,
        ...(options.flags ?? []),
        "--",
        ...child,
      ], { home: home.path, env: options.env }),
    [Symbol.asyncDispose]: async () => {
      await origin[Symbol.asyncDispose]();
      await home[Symbol.asyncDispose]();
    },
  };
}
