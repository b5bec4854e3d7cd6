import assert from "node:assert/strict";
import { authsome, ROOT, tempHome } from "./helpers/cli.ts";

Deno.test("authsome --help lists the commands and exits 0", async () => {
  const result = await authsome(["--help"]);
  assert.equal(result.code, 0);
  for (const command of ["list", "inspect", "providers validate"]) {
    assert.match(result.stdout, new RegExp(`  ${command} `));
  }
  assert.match(result.stdout, /AUTHSOME_HOME/);
});

Deno.test("authsome with no command prints help and exits 2", async () => {
  const result = await authsome([]);
  assert.equal(result.code, 2);
  assert.match(result.stdout, /Usage: authsome/);
});

Deno.test("authsome --version names the version, Deno, the target and the checkout", async () => {
  const result = await authsome(["--version"]);
  assert.equal(result.code, 0);
  assert.match(
    result.stdout,
    /^authsome \d+\.\d+\.\d+ \(deno \d+\.\d+\.\d+, [a-z0-9_]+-[a-z0-9_-]+\) from \/\S+\n$/,
  );
  assert.ok(result.stdout.endsWith(` from ${ROOT.replace(/\/$/, "")}\n`), result.stdout);
});

Deno.test("COMMAND --help shows the command's usage and options", async () => {
  const result = await authsome(["inspect", "--help"]);
  assert.equal(result.code, 0);
  assert.match(result.stdout, /^Usage: authsome inspect PROVIDER/);
  assert.match(result.stdout, /--no-color/);
});

Deno.test("an unknown command is a usage error with a suggestion", async () => {
  const result = await authsome(["lsit"]);
  assert.equal(result.code, 2);
  assert.equal(result.stdout, "");
  assert.match(result.stderr, /^error: Unknown command "lsit"; did you mean "list"\?\n/);
});

Deno.test("an unknown flag is a usage error with a suggestion and the usage", async () => {
  const result = await authsome(["list", "--jsno"]);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /Unknown option --jsno; did you mean --json\?\nUsage: authsome list/);
});

Deno.test("missing and extra arguments are usage errors", async () => {
  assert.equal((await authsome(["inspect"])).code, 2);
  const extra = await authsome(["inspect", "openai", "more"]);
  assert.equal(extra.code, 2);
  assert.match(extra.stderr, /Unexpected argument "more"/);
});

Deno.test("--json renders errors as JSON with code, message and hint", async () => {
  const result = await authsome(["inspect", "opnai", "--json"]);
  assert.equal(result.code, 3);
  const body = JSON.parse(result.stdout);
  assert.equal(body.error.code, "not_found");
  assert.equal(body.error.message, 'Unknown provider "opnai"');
  assert.match(body.error.hint, /did you mean "openai"/i);
});

Deno.test("list shows bundled providers with auth type and API host", async () => {
  await using home = await tempHome();
  const result = await authsome(["list"], { home: home.path });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^openai +- +api_key +- +- +api\.openai\.com$/m);
  const json = JSON.parse((await authsome(["list", "--json"], { home: home.path })).stdout);
  assert.equal(json.version, 1);
  assert.ok(json.providers.length >= 60);
  assert.deepEqual(json.providers.find((p: { name: string }) => p.name === "openai").api_hosts, [
    "api.openai.com",
  ]);
});

Deno.test("inspect shows the definition and where it came from, greppable by api_url", async () => {
  const result = await authsome(["inspect", "anthropic"]);
  assert.equal(result.code, 0);
  assert.match(result.stdout, /from bundled/);
  assert.match(result.stdout, /^api_url: api\.anthropic\.com$/m);
  assert.match(result.stdout, /^injection: header x-api-key: \{api_key\}$/m);
  assert.match(result.stdout, /^accepts: header Authorization: Bearer \{api_key\}$/m);
});

Deno.test("a user provider file replaces the bundled one and adds new ones", async () => {
  await using home = await tempHome();
  await Deno.mkdir(`${home.path}/providers`);
  const def = (name: string, host: string) =>
    JSON.stringify({
      name,
      display_name: name,
      auth_type: "api_key",
      api_url: host,
      injection: { type: "header", name: "Authorization", prefix: "Bearer " },
      docs_url: "https://example.com",
    });
  await Deno.writeTextFile(
    `${home.path}/providers/openai.json`,
    def("openai", "https://openai.internal.example.com/v1"),
  );
  await Deno.writeTextFile(`${home.path}/providers/acme.json`, def("acme", "api.acme.test"));
  const openai = await authsome(["inspect", "openai"], { home: home.path });
  assert.match(openai.stdout, /from .*providers\/openai\.json/);
  assert.match(openai.stdout, /^api_url: openai\.internal\.example\.com\/v1$/m);
  assert.equal((await authsome(["inspect", "acme"], { home: home.path })).code, 0);
});

Deno.test("a broken user file is reported with its path and JSON paths, and the rest still load", async () => {
  await using home = await tempHome();
  await Deno.mkdir(`${home.path}/providers`);
  await Deno.writeTextFile(
    `${home.path}/providers/bad.json`,
    JSON.stringify({ name: "bad", api_ur1: "x" }),
  );
  await Deno.writeTextFile(`${home.path}/providers/worse.json`, "{ not json");
  const result = await authsome(["list"], { home: home.path });
  assert.equal(result.code, 0);
  assert.match(
    result.stderr,
    /bad\.json → api_ur1: unknown field "api_ur1" \(did you mean "api_url"\?\)/,
  );
  assert.match(result.stderr, /worse\.json → \(file\): not valid JSON/);
  assert.match(result.stdout, /^openai /m);
});

Deno.test("providers validate prints every problem and exits non-zero", async () => {
  await using home = await tempHome();
  const file = `${home.path}/p.json`;
  await Deno.writeTextFile(
    file,
    JSON.stringify({
      name: "x",
      display_name: "X",
      auth_type: "api_key",
      api_url: "regex:.*googleapis.*",
      injection: { type: "header", name: "X", prefx: "" },
      docs_url: "https://x.io",
    }),
  );
  const result = await authsome(["providers", "validate", file]);
  assert.equal(result.code, 1);
  assert.match(
    result.stdout,
    /p\.json → api_url: "regex:\.\*googleapis\.\*" could match a look-alike host such as "googleapis\.evil\.com"/,
  );
  assert.match(
    result.stdout,
    /p\.json → injection\.prefx: unknown field "prefx" \(did you mean "prefix"\?\)/,
  );
  const ok = await authsome(["providers", "validate", "providers/openai.json"]);
  assert.equal(ok.code, 0);
  assert.equal((await authsome(["providers", "validate", `${home.path}/missing.json`])).code, 3);
});
