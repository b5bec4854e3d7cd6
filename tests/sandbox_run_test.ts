/**
 * `run --sandbox` as a program runner: it refuses to start without a
 * sandbox, AUTHSOME_SANDBOX makes it the default, a terminal stays a
 * terminal, and signals and exit codes pass through as without it.
 */

import assert from "node:assert/strict";
import { authsome, authsomeCommand, onTerminalArgs, readUntil, testEnv } from "./helpers/cli.ts";
import { client, pythonHas } from "./helpers/clients.ts";
import { CANARY, e2e, MASKED } from "./helpers/run.ts";

const linux = Deno.build.os === "linux";
const bwrap = linux ? client("bwrap", "bubblewrap, run --sandbox's sandbox on Linux") : undefined;
const python = linux
  ? client("/usr/bin/python3", "Debian's python3 with httpx", (p) => pythonHas(p, "httpx"))
  : undefined;
const script = linux
  ? client("script", "a pseudo-terminal for the TTY test (util-linux)")
  : undefined;

/**
 * The command that runs `sh -c SHELL` under `authsome run --sandbox`; with
 * `terminal`, inside a pseudo-terminal of its own (script(1)), as typed in one.
 */
function sandboxedSh(shell: string, { terminal = false } = {}): [string, string[]] {
  const [cmd, args] = authsomeCommand(["run", "--sandbox", "--", "sh", "-c", shell]);
  if (!terminal) return [cmd, args];
  return [script!, onTerminalArgs([cmd, ...args])];
}

Deno.test("a missing bubblewrap: exit 1 with the reason and the fix, and the command never runs", async () => {
  await using t = await e2e();
  const marker = `${t.home}/ran`;
  const noBwrap = { PATH: "/nonexistent" };
  for (
    const [flags, env] of [
      [["--sandbox"], noBwrap],
      [["--sandbox=network"], noBwrap],
      [[], { ...noBwrap, AUTHSOME_SANDBOX: "1" }],
    ] as const
  ) {
    const result = await t.run(["/usr/bin/touch", marker], { flags: [...flags], env });
    assert.equal(result.code, 1, result.stderr);
    if (linux) {
      assert.match(
        result.stderr,
        /Cannot build the sandbox: bubblewrap \(bwrap\) is not installed; the command was not started/,
      );
      assert.match(result.stderr, /apt-get install bubblewrap/);
    }
    await assert.rejects(() => Deno.stat(marker), Deno.errors.NotFound, "the child never ran");
  }
  const off = await t.run(["/usr/bin/touch", marker], {
    flags: ["--sandbox=off"],
    env: { ...noBwrap, AUTHSOME_SANDBOX: "1" },
  });
  assert.equal(off.code, 0, "--sandbox=off overrides AUTHSOME_SANDBOX");
  const bad = await authsome(["run", "--sandbox=nope", "--", "true"], { home: t.home });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /Unknown sandbox "nope" in --sandbox/);
});

Deno.test({
  name: "--sandbox: exit codes and signals pass through (the child's code, 128+N, SIGTERM to run)",
  ignore: !bwrap,
  async fn() {
    await using t = await e2e();
    assert.equal((await t.run(["sh", "-c", "exit 7"], { flags: ["--sandbox"] })).code, 7);
    assert.equal((await t.run(["sh", "-c", "kill -KILL $$"], { flags: ["--sandbox"] })).code, 137);
    const [cmd, args] = sandboxedSh(
      'trap "echo got-term; exit 42" TERM; echo ready; while :; do sleep 0.1; done',
    );
    const child = new Deno.Command(cmd, {
      args,
      env: testEnv(t.home),
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let seen = await readUntil(reader, "ready");
    child.kill("SIGTERM");
    seen += await readUntil(reader);
    const status = await child.status;
    await child.stderr.cancel();
    assert.match(seen, /got-term/, "the child's own TERM handler ran");
    assert.equal(status.code, 42);
  },
});

Deno.test({
  name: "--sandbox: a terminal stays a terminal, with its name",
  ignore: !bwrap || !script,
  async fn() {
    await using t = await e2e();
    const [cmd, args] = sandboxedSh("test -t 0 && test -t 1 && tty", { terminal: true });
    const result = await new Deno.Command(cmd, {
      args,
      env: testEnv(t.home),
      stdout: "piped",
      stderr: "piped",
    }).output();
    const out = new TextDecoder().decode(result.stdout);
    assert.equal(result.code, 0, out + new TextDecoder().decode(result.stderr));
    assert.match(out, /^\/dev\/pts\/\d+\r?$/m);
  },
});

Deno.test({
  name: "--sandbox: the run's CA bundle and Python folder stay readable: httpx verifies the proxy",
  ignore: !bwrap || !python,
  async fn() {
    await using t = await e2e();
    const result = await t.run([
      python!,
      "-c",
      'import httpx; print(httpx.get("https://api.openai.com/v1/py").json()["headers"]["authorization"])',
    ], { flags: ["--sandbox"] });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(t.origin.seen.map((s) => [s.path, s.headers.authorization]), [
      ["/v1/py", `Bearer ${CANARY}`],
    ]);
    assert.equal(result.stdout.trim(), `Bearer ${MASKED}`, "the echo is masked");
  },
});

Deno.test({
  name: "--sandbox: Ctrl-C in a terminal reaches the child, whose handler decides the exit code",
  ignore: !bwrap || !script,
  async fn() {
    await using t = await e2e();
    const [cmd, args] = sandboxedSh(
      'trap "echo got-int; exit 9" INT; echo ready; while :; do sleep 0.1; done',
      { terminal: true },
    );
    const child = new Deno.Command(cmd, {
      args,
      env: testEnv(t.home),
      stdin: "piped",
      stdout: "piped",
      stderr: "null",
    }).spawn();
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let seen = await readUntil(reader, "ready");
    const writer = child.stdin.getWriter();
    await writer.write(new Uint8Array([3])); // what Ctrl-C types
    seen += await readUntil(reader);
    await writer.close().catch(() => {});
    const status = await child.status;
    assert.match(seen, /got-int/);
    assert.equal(status.code, 9, seen);
  },
});
