import assert from "node:assert/strict";
import { authsome, authsomeCommand, tempHome, testEnv } from "./helpers/cli.ts";
import { scale } from "./helpers/scale.ts";

const KILLS = scale(6, 60);
const WRITERS = scale(10, 60);

async function connections(home: string): Promise<string[]> {
  const result = await authsome(["list", "--json"], { home });
  assert.equal(result.code, 0, `the vault must always open: ${result.stderr}`);
  const openai = JSON.parse(result.stdout).providers.find((p: { name: string }) =>
    p.name === "openai"
  );
  return openai.connections.map((c: { name: string }) => c.name).sort();
}

Deno.test(`${KILLS} writers killed with SIGKILL at random points never leave a vault that fails to open or loses a connection`, async () => {
  await using home = await tempHome();
  assert.equal(
    (await authsome(["login", "openai", "--key-stdin"], {
      home: home.path,
      stdin: "sk-first0000000000000000000",
    })).code,
    0,
  );
  let known = await connections(home.path);
  for (let i = 0; i < KILLS; i++) {
    const [cmd, args] = authsomeCommand(["login", "openai", "--key-stdin", "-c", `k${i}`]);
    const child = new Deno.Command(cmd, {
      args,
      env: testEnv(home.path),
      stdin: "piped",
      stdout: "null",
      stderr: "null",
    }).spawn();
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(`sk-kill${String(i).padStart(20, "0")}`));
    await writer.close();
    await new Promise((r) => setTimeout(r, Math.random() * 600));
    try {
      child.kill("SIGKILL");
    } catch {
      // It finished first: a complete write.
    }
    await child.status;
    const now = await connections(home.path);
    for (const name of known) assert.ok(now.includes(name), `connection "${name}" was lost`);
    known = now;
  }
  assert.equal(
    (await authsome(["login", "openai", "--key-stdin", "-c", "last"], {
      home: home.path,
      stdin: "sk-last00000000000000000000",
    })).code,
    0,
  );
});

Deno.test(`${WRITERS} concurrent writers from separate processes all land`, async () => {
  await using home = await tempHome();
  const env = { AUTHSOME_MASTER_KEY: btoa(String.fromCharCode(...new Uint8Array(32).fill(7))) };
  const results = await Promise.all(
    Array.from(
      { length: WRITERS },
      (_, i) =>
        authsome(["login", "openai", "--key-stdin", "-c", `w${i}`], {
          home: home.path,
          env,
          stdin: `sk-writer${String(i).padStart(18, "0")}`,
        }),
    ),
  );
  for (const result of results) assert.equal(result.code, 0, result.stderr);
  const list = JSON.parse((await authsome(["list", "--json"], { home: home.path, env })).stdout);
  assert.equal(
    list.providers.find((p: { name: string }) => p.name === "openai").connections.length,
    WRITERS,
  );
});
