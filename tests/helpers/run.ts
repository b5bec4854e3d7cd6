/** Helpers for end-to-end runs: a logged-in home, an origin, and `authsome run` with a child. */

import { authsome, type CliResult, tempHome } from "./cli.ts";
import { type Origin, startOrigin } from "../../scripts/fake_api.ts";

/** The key stored for openai in e2e homes: a canary searched for in every output. */
export const CANARY = "sk-canary-e2e-4f1d2c3b4a5968778695a4b3";

/** What the child sees where a response echoes the canary: the proxy masks it, same length. */
export const MASKED = "*".repeat(CANARY.length);

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
    run: async (child, options = {}) =>
      checkStderr(
        await authsome([
          "run",
          ...origin.connectTo("api.openai.com"),
          "--upstream-ca",
          origin.caFile,
          ...(options.flags ?? []),
          "--",
          ...child,
        ], { home: home.path, env: options.env }),
      ),
    [Symbol.asyncDispose]: async () => {
      await origin[Symbol.asyncDispose]();
      try {
        await assertNoCanaryInHome(home.path);
      } finally {
        await home[Symbol.asyncDispose]();
      }
    },
  };
}

const CANARIES = [CANARY, btoa(CANARY), CANARY.replace("sk-", "sk-ant-")];

function checkStderr(result: CliResult): CliResult {
  for (const canary of CANARIES) {
    if (result.stderr.includes(canary)) {
      throw new Error(`the canary key leaked into stderr: ${result.stderr}`);
    }
  }
  return result;
}

/** Fails when any file under the home but the encrypted vault holds the canary (or its base64). */
export async function assertNoCanaryInHome(dir: string): Promise<void> {
  for await (const entry of Deno.readDir(dir)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) await assertNoCanaryInHome(path);
    else if (entry.isFile && path !== `${dir}/vault.json`) {
      const text = new TextDecoder("latin1").decode(await Deno.readFile(path));
      for (const canary of CANARIES) {
        if (text.includes(canary)) throw new Error(`the canary key leaked into ${path}`);
      }
    }
  }
}
