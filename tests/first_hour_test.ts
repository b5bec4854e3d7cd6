/**
 * A newcomer's first hour (issue 18), as the CLI shows it: what a user of the
 * original authsome types, and what they and the programs they start next get.
 */

import assert from "node:assert/strict";
import { installLauncher } from "../scripts/install_checkout.ts";
import { authsome, tempHome, testEnv } from "./helpers/cli.ts";

const KEY = "sk-test-0123456789abcdefghij";
const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** Runs `script` with bash, the installed `authsome` on PATH and `home` as AUTHSOME_HOME. */
async function bash(home: string, script: string): Promise<{ code: number; stdout: string }> {
  const bin = `${home}/.bin`;
  await installLauncher(bin);
  const out = await new Deno.Command("bash", {
    args: ["-c", script],
    env: testEnv(home, { PATH: `${bin}:/usr/bin:/bin` }),
    clearEnv: true,
    stdout: "piped",
    stderr: "inherit",
  }).output();
  return { code: out.code, stdout: decode(out.stdout) };
}

Deno.test("eval of export --format env gives the key to the program started next", async () => {
  await using home = await tempHome();
  const login = await authsome(["login", "openai", "--key-stdin"], { home: home.path, stdin: KEY });
  assert.equal(login.code, 0, login.stderr);
  const printed = await authsome(["export", "openai", "--format", "env"], { home: home.path });
  assert.equal(printed.stdout, `export OPENAI_API_KEY='${KEY}'\n`);
  for (const format of ["env", "shell"]) {
    const ran = await bash(
      home.path,
      `eval "$(authsome export openai --format ${format} 2>/dev/null)"; sh -c 'echo "$OPENAI_API_KEY"'`,
    );
    assert.equal(ran.code, 0);
    assert.equal(ran.stdout, `${KEY}\n`, `--format ${format}`);
  }
});
