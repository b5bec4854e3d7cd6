// deno-lint-ignore-file no-console
/**
 * `deno task demo`: authsome's whole idea with no account anywhere. A
 * throwaway AUTHSOME_HOME, a fake HTTPS API on 127.0.0.1, a demo key stored
 * with `login --key-stdin`, and a child that calls the API through
 * `authsome run` while holding only a placeholder.
 */

import { fileURLToPath } from "node:url";
import { DEMO_KEY as KEY, DEMO_PROVIDER, startOrigin } from "./fake_api.ts";

const root = fileURLToPath(new URL("../", import.meta.url));

async function authsome(
  args: string[],
  env: Record<string, string>,
  stdin?: string,
): Promise<number> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", "--quiet", `${root}main.ts`, ...args],
    env,
    stdin: stdin === undefined ? "null" : "piped",
  }).spawn();
  if (stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(stdin));
    await writer.close();
  }
  return (await child.status).code;
}

const home = await Deno.makeTempDir({ prefix: "authsome-demo-" });
await using api = await startOrigin(["api.demo.test"]);
try {
  const env = { AUTHSOME_HOME: home, AUTHSOME_KEYRING: "none", DENO_NO_UPDATE_CHECK: "1" };
  await Deno.mkdir(`${home}/providers`, { recursive: true });
  await Deno.writeTextFile(`${home}/providers/demo.json`, JSON.stringify(DEMO_PROVIDER, null, 2));
  console.log(`1. A throwaway AUTHSOME_HOME: ${home}`);
  console.log(
    `2. A fake API, https://api.demo.test, really 127.0.0.1:${api.port} with a test CA of its own`,
  );
  console.log(`3. authsome login demo --key-stdin   (the key: ${KEY.slice(0, 10)}…)`);
  await authsome(["login", "demo", "--key-stdin"], env, KEY);
  console.log("4. authsome run -- deno run scripts/demo_child.ts");
  const code = await authsome([
    "run",
    ...api.connectTo("api.demo.test"),
    "--upstream-ca",
    api.caFile,
    "--",
    Deno.execPath(),
    "run",
    "--allow-env",
    "--allow-net",
    "--allow-read",
    `${root}scripts/demo_child.ts`,
  ], env);
  const received = String(api.seen.at(-1)?.headers.authorization ?? "");
  console.log(
    `  the API received:  Authorization: ${received.replace(/(Bearer .{6}).*(.{4})$/, "$1…$2")}`,
  );
  console.log("5. authsome log");
  await authsome(["log"], env);
  console.log(
    code === 0
      ? "\nThe child only ever held the placeholder; the proxy added the real key on the way out."
      : "",
  );
  Deno.exitCode = code;
} finally {
  await Deno.remove(home, { recursive: true });
}
