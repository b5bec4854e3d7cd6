/**
 * The papercuts of a newcomer's first hour (issue 18, point 7): help, groups
 * without a subcommand, --json everywhere, the passphrase prompt, log, doctor,
 * a locked vault, and did-you-mean for --connection.
 */

import assert from "node:assert/strict";
import { DEMO_KEY, DEMO_PROVIDER, startOrigin } from "../scripts/fake_api.ts";
import { authsome, authsomeCommand, tempHome, testEnv } from "./helpers/cli.ts";
import { client } from "./helpers/clients.ts";
import { onTerminal, ptyPython } from "./helpers/pty.ts";

const KEY = "sk-test-0123456789abcdefghij";
const curl = client("curl", "sends requests through a run for the audit log");

Deno.test("authsome help [COMMAND] prints the program's, a group's or a command's help", async () => {
  const top = await authsome(["help"]);
  assert.equal(top.code, 0);
  assert.match(top.stdout, /^Commands:$/m);
  const command = await authsome(["help", "login"]);
  assert.equal(command.code, 0);
  assert.match(command.stdout, /^Usage: authsome login PROVIDER/);
  const sub = await authsome(["help", "cert", "rotate"]);
  assert.match(sub.stdout, /^Usage: authsome cert rotate/);
  const group = await authsome(["help", "cert"]);
  assert.match(group.stdout, /^Usage: authsome cert SUBCOMMAND/);
  const wrong = await authsome(["help", "lgoin"]);
  assert.equal(wrong.code, 2);
  assert.match(wrong.stderr, /^error: Unknown command "lgoin"; did you mean "login"\?/);
});

Deno.test("a group without a subcommand prints the group's help with missing subcommand, exit 2", async () => {
  for (
    const [group, member] of [["cert", "cert rotate"], ["vault", "vault rekey"], [
      "providers",
      "providers validate",
    ]]
  ) {
    const result = await authsome([group]);
    assert.equal(result.code, 2, group);
    assert.equal(result.stdout, "");
    assert.match(result.stderr, new RegExp(`^error: Missing subcommand for "${group}"\n`));
    assert.match(result.stderr, new RegExp(`^  ${member} `, "m"));
    assert.doesNotMatch(result.stderr, /^ {2}login /m, "only the group's commands");
    const help = await authsome([group, "--help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, new RegExp(`^Usage: authsome ${group} SUBCOMMAND`));
  }
});

Deno.test("--json is honoured by export and refused as a usage error where it cannot apply", async () => {
  await using home = await tempHome();
  assert.equal(
    (await authsome(["login", "openai", "--key-stdin"], { home: home.path, stdin: KEY })).code,
    0,
  );
  const exported = await authsome(["--json", "export", "openai"], { home: home.path });
  assert.equal(exported.code, 0, exported.stderr);
  assert.deepEqual(JSON.parse(exported.stdout), { OPENAI_API_KEY: KEY });
  const clash = await authsome(["export", "openai", "--json", "--format", "shell"], {
    home: home.path,
  });
  assert.equal(clash.code, 2);
  assert.match(JSON.parse(clash.stdout).error.message, /--json asks for --format json/);
  for (const argv of [["run", "--json", "--", "true"], ["cert", "export", "--json"]]) {
    const refused = await authsome(argv, { home: home.path });
    assert.equal(refused.code, 2, argv.join(" "));
    const body = JSON.parse(refused.stdout);
    assert.equal(body.error.code, "usage");
    assert.match(body.error.message, /^--json does not apply to /);
  }
});

Deno.test("run --connection with a mistyped provider or connection says did you mean", async () => {
  await using home = await tempHome();
  const login = await authsome(["login", "openai", "--key-stdin", "--connection", "work"], {
    home: home.path,
    stdin: KEY,
  });
  assert.equal(login.code, 0, login.stderr);
  const provider = await authsome(["run", "--connection", "opneai=work", "--", "true"], {
    home: home.path,
  });
  assert.equal(provider.code, 3);
  assert.match(provider.stderr, /Unknown provider "opneai"\nDid you mean "openai"\?/);
  const connection = await authsome(["run", "--connection", "openai=wrok", "--", "true"], {
    home: home.path,
  });
  assert.equal(connection.code, 3);
  assert.match(
    connection.stderr,
    /No connection "wrok" for provider "openai"\nDid you mean "work"\?/,
  );
});

Deno.test({
  name: "a passphrase typed at the prompt gets three tries, with a message about the prompt",
  ignore: !ptyPython,
  fn: async () => {
    await using home = await tempHome();
    const env = testEnv(home.path, { AUTHSOME_PASSPHRASE: "right horse battery" });
    const login = await authsome(["login", "openai", "--key-stdin"], {
      home: home.path,
      env,
      stdin: KEY,
    });
    assert.equal(login.code, 0, login.stderr);
    const plain = testEnv(home.path, { PATH: "/usr/bin:/bin" });
    const argv = authsomeCommand(["export", "openai"]).flat();
    const prompt = (answers: string[]) =>
      answers.map((answer, i) => ({
        expect: i === 0 ? "Vault passphrase: " : "Wrong passphrase; try again: ",
        send: `${answer}\r`,
      }));
    const third = await onTerminal(argv, plain, prompt(["nope", "still", "right horse battery"]));
    assert.equal(third.code, 0, third.output);
    assert.match(third.output, new RegExp(`export OPENAI_API_KEY='${KEY}'`));
    const wrong = await onTerminal(argv, plain, prompt(["one", "two", "three"]));
    assert.equal(wrong.code, 5, wrong.output);
    assert.equal(wrong.output.match(/Wrong passphrase; try again: /g)?.length, 2);
    assert.match(wrong.output, /Wrong passphrase for the vault "[^"]+": 3 tries at the prompt/);
    assert.doesNotMatch(wrong.output, /AUTHSOME_PASSPHRASE/);
  },
});

Deno.test({
  name: "Ctrl-C at run's passphrase prompt cancels without saying nothing was stored",
  ignore: !ptyPython,
  fn: async () => {
    await using home = await tempHome();
    const env = testEnv(home.path, { AUTHSOME_PASSPHRASE: "right horse battery" });
    await authsome(["login", "openai", "--key-stdin"], { home: home.path, env, stdin: KEY });
    const argv = authsomeCommand(["run", "--", "true"]).flat();
    const ran = await onTerminal(argv, testEnv(home.path, { PATH: "/usr/bin:/bin" }), [
      { expect: "Vault passphrase: ", send: "\x03" },
    ]);
    assert.equal(ran.code, 130, ran.output);
    assert.match(ran.output, /Cancelled at the vault passphrase prompt/);
    assert.doesNotMatch(ran.output, /nothing was stored/);
  },
});

Deno.test("log says when it is empty, and names why a request was not injected", async () => {
  await using home = await tempHome();
  const empty = await authsome(["log"], { home: home.path });
  assert.equal(empty.code, 0);
  assert.equal(empty.stdout, "");
  assert.match(
    empty.stderr,
    /^The audit log is empty: no request has gone through authsome run yet/,
  );
  const entry = (extra: Record<string, unknown>) =>
    JSON.stringify({
      time: "2026-12-03T10:00:00.000Z",
      run: "r1",
      provider: null,
      connection: null,
      method: "GET",
      host: "api.example.test",
      path: "/v1",
      status: 200,
      bytes_up: 0,
      bytes_down: 2,
      duration_ms: 3,
      injected: false,
      ...extra,
    });
  await Deno.writeTextFile(
    `${home.path}/audit.log`,
    [
      entry({ reason: "ambiguous" }),
      entry({ provider: "openai", status: 400, error: "authsome_connection_not_found" }),
      entry({ provider: "openai", connection: "work", reason: "not_approved" }),
      entry({}),
      "",
    ].join("\n"),
  );
  const log = await authsome(["log"], { home: home.path });
  assert.equal(log.code, 0, log.stderr);
  const lines = log.stdout.trimEnd().split("\n");
  assert.match(lines[0], /not injected \(ambiguous: more than one provider matches\)/);
  assert.match(lines[1], /not injected \(no connection\)/);
  assert.match(lines[2], /not injected \(the connection is not approved for this host\)/);
  assert.match(lines[3], /not injected \(no provider's api_url matches\)/);
  assert.equal(log.stderr, "");
});

Deno.test("doctor tells a key file not made yet from one the vault needs and lost", async () => {
  await using home = await tempHome();
  const fresh = await authsome(["doctor"], { home: home.path });
  assert.match(fresh.stdout, /^OK {3}key file: .* \(none yet: the first login makes it/m);
  assert.doesNotMatch(fresh.stdout, /not used/);
  await authsome(["login", "openai", "--key-stdin"], { home: home.path, stdin: KEY });
  await Deno.remove(`${home.path}/master.key`);
  const lost = await authsome(["doctor"], { home: home.path });
  assert.equal(lost.code, 1);
  assert.match(lost.stdout, /^FAIL key file: .* is missing, and the vault was created with it$/m);
});

Deno.test("a locked vault still lists every provider, with its connections shown as locked", async () => {
  await using home = await tempHome();
  const env = { AUTHSOME_PASSPHRASE: "right horse battery" };
  await authsome(["login", "openai", "--key-stdin", "--connection", "work"], {
    home: home.path,
    env,
    stdin: KEY,
  });
  const list = await authsome(["list"], { home: home.path });
  assert.equal(list.code, 5, "the vault did not open");
  assert.match(
    list.stderr,
    /^error: The vault is locked: .*; its connections are shown as locked/,
  );
  assert.match(list.stdout, /^openai +work +api_key +locked /m);
  assert.match(list.stdout, /^github /m);
  const json = JSON.parse((await authsome(["list", "--json"], { home: home.path })).stdout);
  assert.equal(json.summary.vault_locked, true);
  assert.equal(json.error.code, "vault");
  const openai = json.providers.find((p: { name: string }) => p.name === "openai");
  assert.deepEqual(openai.connections.map((c: { status: string }) => c.status), ["locked"]);
});

Deno.test({
  name: "log names why a real run's requests were not injected: ambiguous, no connection",
  ignore: !curl,
}, async () => {
  await using home = await tempHome();
  await using origin = await startOrigin(["api.demo.test"]);
  await Deno.mkdir(`${home.path}/providers`);
  for (const name of ["demo", "demo-copy"]) {
    const definition = { ...DEMO_PROVIDER, name };
    await Deno.writeTextFile(`${home.path}/providers/${name}.json`, JSON.stringify(definition));
    const login = await authsome(["login", name, "--key-stdin"], {
      home: home.path,
      stdin: DEMO_KEY,
    });
    assert.equal(login.code, 0, login.stderr);
  }
  const run = await authsome([
    "run",
    ...origin.connectTo("api.demo.test"),
    "--upstream-ca",
    origin.caFile,
    "--",
    "sh",
    "-c",
    `${curl} -sS https://api.demo.test/one >/dev/null`,
  ], { home: home.path });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /ambiguous host match for api\.demo\.test/);
  const log = await authsome(["log"], { home: home.path });
  assert.match(
    log.stdout,
    /GET api\.demo\.test\/one {2}200 {2}- {2}not injected \(ambiguous: more than one provider matches\)/,
  );
  const json = await authsome(["log", "--json"], { home: home.path });
  assert.equal(JSON.parse(json.stdout.trim()).reason, "ambiguous");

  await Deno.remove(`${home.path}/providers/demo-copy.json`);
  const named = await authsome([
    "run",
    ...origin.connectTo("api.demo.test"),
    "--upstream-ca",
    origin.caFile,
    "--",
    "sh",
    "-c",
    `${curl} -sS -H 'x-authsome-connection: nope' https://api.demo.test/two >/dev/null`,
  ], { home: home.path });
  assert.equal(named.code, 0, named.stderr);
  const last = await authsome(["log", "-n", "1"], { home: home.path });
  assert.match(
    last.stdout,
    /GET api\.demo\.test\/two {2}400 {2}demo\/- {2}not injected \(no connection\)/,
  );
});
