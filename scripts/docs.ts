// deno-lint-ignore-file no-console
/**
 * `deno task docs`: regenerates docs/reference/cli.md and
 * docs/reference/providers.md from the command table and the provider files.
 * `deno task docs --check` changes nothing and exits 1 when either is out of
 * date. `deno task docs shell` opens a shell in the sandbox the runnable
 * examples of the guides run in (tests/docs_test.ts), to try them by hand.
 */

import { generatedPages, ROOT } from "./docs/generate.ts";

async function regenerate(check: boolean): Promise<number> {
  let stale = 0;
  for (const page of await generatedPages()) {
    const path = `${ROOT}${page.path}`;
    const current = await Deno.readTextFile(path).catch(() => undefined);
    if (current === page.text) continue;
    stale++;
    if (check) {
      console.error(`${page.path} is out of date: run deno task docs`);
    } else {
      await Deno.mkdir(`${ROOT}docs/reference`, { recursive: true });
      await Deno.writeTextFile(path, page.text);
      console.log(`wrote ${page.path}`);
    }
  }
  if (stale === 0) console.log("docs/reference is up to date");
  return check && stale > 0 ? 1 : 0;
}

async function shell(): Promise<number> {
  const { startOrigin } = await import("./fake_api.ts");
  const { openSandbox } = await import("./docs/sandbox.ts");
  await using origin = await startOrigin(["api.demo.test"]);
  await using sandbox = await openSandbox(origin);
  console.log("A sandbox for the runnable examples in docs/: the demo provider and openai are");
  console.log("logged in, and $DEMO_FLAGS points authsome run at the local fake API. Exit to end.");
  const status = await new Deno.Command(Deno.env.get("SHELL") ?? "sh", {
    cwd: sandbox.cwd,
    env: { ...sandbox.env, PS1: "docs-sandbox$ " },
    clearEnv: true,
    stdin: "inherit",
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  return status.code;
}

const [command] = Deno.args;
if (command === "shell") Deno.exit(await shell());
if (command !== undefined && command !== "--check") {
  console.error("Usage: deno task docs [--check | shell]");
  Deno.exit(2);
}
Deno.exit(await regenerate(command === "--check"));
