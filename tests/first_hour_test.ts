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

/** A user provider file written with `host_url`, as the original's docs write them. */
const ACME = {
  name: "acme",
  display_name: "Acme",
  auth_type: "api_key",
  host_url: "api.acme.test",
  injection: { type: "header", name: "Authorization", prefix: "Bearer " },
  docs_url: "https://acme.test/docs",
};

Deno.test("inspect shows host_url under that name when the file uses it, in text and JSON", async () => {
  await using home = await tempHome();
  await Deno.mkdir(`${home.path}/providers`, { recursive: true });
  await Deno.writeTextFile(`${home.path}/providers/acme.json`, JSON.stringify(ACME));
  const text = await authsome(["inspect", "acme"], { home: home.path });
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^host_url: api\.acme\.test$/m);
  assert.doesNotMatch(text.stdout, /api_url/);
  const json = await authsome(["inspect", "acme", "--json"], { home: home.path });
  const body = JSON.parse(json.stdout);
  assert.equal(body.definition.host_url, "api.acme.test");
  assert.equal(body.definition.api_url, undefined);
  const bundled = await authsome(["inspect", "openai"], { home: home.path });
  assert.match(bundled.stdout, /^api_url: /m);
});

Deno.test("providers validate names allowed values, the file-name rule and inspect --json output", async () => {
  await using home = await tempHome();
  const dir = `${home.path}/work`;
  await Deno.mkdir(dir);
  const validate = (file: string) =>
    authsome(["providers", "validate", `${dir}/${file}`], { home: home.path });

  const { injection: _, ...noInjection } = ACME;
  await Deno.writeTextFile(`${dir}/acme.json`, JSON.stringify({ ...noInjection, injection: {} }));
  const missing = await validate("acme.json");
  assert.equal(missing.code, 1);
  assert.match(
    missing.stdout,
    /acme\.json → injection\.type: must be one of "header", "basic", "query"\n/,
  );

  await Deno.writeTextFile(`${dir}/other-name.json`, JSON.stringify(ACME));
  const renamed = await validate("other-name.json");
  assert.equal(renamed.code, 1);
  assert.match(renamed.stdout, /→ name: "acme" differs from the file name "other-name\.json"/);

  const inspected = await authsome(["inspect", "openai", "--json"], { home: home.path });
  await Deno.writeTextFile(`${dir}/openai.json`, inspected.stdout);
  const saved = await validate("openai.json");
  assert.equal(saved.code, 1);
  assert.match(saved.stdout, /not a provider file: take its "definition"/);
  assert.equal(saved.stdout.trim().split("\n").length, 1, "one problem, not eight");
  const definition = JSON.parse(inspected.stdout).definition;
  await Deno.writeTextFile(`${dir}/openai.json`, JSON.stringify(definition));
  const taken = await validate("openai.json");
  assert.equal(taken.code, 0, taken.stdout);
  assert.match(taken.stdout, /valid provider "openai"/);
});
