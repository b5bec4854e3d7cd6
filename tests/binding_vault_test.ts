/**
 * Sealed routes across the vault's life: a vault from the released format is
 * sealed on first unlock, `login --force` seals the definition of the moment,
 * `vault rekey` keeps what was sealed, and a home or provider file others
 * could write is refused with the fix named.
 */

import assert from "node:assert/strict";
import { encodeBase64 } from "../src/encoding.ts";
import { importKey, seal } from "../src/vault/format.ts";
import {
  authsome,
  authsomeCommand,
  type CliResult,
  onTerminalArgs,
  readUntil,
  tempHome,
  testEnv,
} from "./helpers/cli.ts";
import { client } from "./helpers/clients.ts";
import { CANARY } from "./helpers/run.ts";

const OPENAI = JSON.parse(
  await Deno.readTextFile(new URL("../providers/openai.json", import.meta.url)),
);
const EXTRA = "eu.openai.test";
const script = client("script", "util-linux script gives providers approve a terminal");

async function inspect(home: string, env?: Record<string, string>) {
  const result = await authsome(["inspect", "openai", "--json"], { home, env });
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout).connections[0];
}

async function writeOpenai(home: string, apiUrl: string[]): Promise<void> {
  await Deno.mkdir(`${home}/providers`, { recursive: true, mode: 0o700 });
  await Deno.writeTextFile(
    `${home}/providers/openai.json`,
    JSON.stringify({ ...OPENAI, api_url: apiUrl }),
  );
}

/**
 * A vault exactly as the released format wrote it: connection records carry
 * no routes, unless `routes` gives those an earlier release sealed.
 */
async function releasedVault(home: string, routes?: unknown[]): Promise<Record<string, string>> {
  const raw = crypto.getRandomValues(new Uint8Array(32));
  const key = await importKey(raw);
  const now = new Date().toISOString();
  const records: Record<string, unknown> = {
    "connection/openai/default": {
      provider: "openai",
      name: "default",
      auth_type: "api_key",
      fields: { api_key: CANARY },
      flow: "api_key",
      ...(routes ? { routes, oauth_endpoints: {} } : {}),
      created_at: now,
      updated_at: now,
    },
    defaults: { openai: "default" },
  };
  const names = Object.keys(records).sort();
  const sealed: Record<string, unknown> = { index: await seal(key, "index", names) };
  for (const name of names) sealed[name] = await seal(key, name, records[name]);
  const file = { format: "authsome-vault", version: 1, key_source: "env", records: sealed };
  await Deno.writeTextFile(`${home}/vault.json`, JSON.stringify(file), { mode: 0o600 });
  return { AUTHSOME_MASTER_KEY: encodeBase64(raw) };
}

Deno.test("a vault from the released format is sealed on first unlock, atomically, said once", async () => {
  await using home = await tempHome();
  const env = await releasedVault(home.path);
  const before = await Deno.readTextFile(`${home.path}/vault.json`);
  const first = await authsome(["list"], { home: home.path, env });
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stderr, /sealed 1 connection\(s\) from an earlier version/);
  assert.notEqual(await Deno.readTextFile(`${home.path}/vault.json`), before);
  const leftovers = [...Deno.readDirSync(home.path)].filter((e) => e.name.endsWith(".tmp"));
  assert.deepEqual(leftovers, [], "no temporary file is left");
  const second = await authsome(["list"], { home: home.path, env });
  assert.doesNotMatch(second.stderr, /sealed/);
  const connection = await inspect(home.path, env);
  assert.deepEqual(connection.sealed_routes, ["api.openai.com"]);
  assert.deepEqual(connection.unapproved_routes, []);
});

Deno.test("login --force seals the definition of the moment; rekey keeps what was sealed", async () => {
  await using home = await tempHome();
  const login = (extra: string[] = []) =>
    authsome(["login", "openai", "--key-stdin", ...extra], { home: home.path, stdin: CANARY });
  assert.equal((await login()).code, 0);
  await writeOpenai(home.path, ["api.openai.com", EXTRA]);
  assert.deepEqual((await inspect(home.path)).unapproved_routes, [EXTRA]);
  const relogin = await login(["--force"]);
  assert.equal(relogin.code, 0, relogin.stderr);
  assert.deepEqual((await inspect(home.path)).sealed_routes, ["api.openai.com", EXTRA]);

  // The definition narrows again; a rekey re-encrypts the records as they are, routes included.
  await Deno.remove(`${home.path}/providers/openai.json`);
  const env = { AUTHSOME_PASSPHRASE: "a long passphrase" };
  const rekey = await authsome(["vault", "rekey", "--to", "passphrase", "--passphrase-stdin"], {
    home: home.path,
    stdin: `${env.AUTHSOME_PASSPHRASE}\n`,
  });
  assert.equal(rekey.code, 0, rekey.stderr);
  const after = await inspect(home.path, env);
  assert.deepEqual(after.sealed_routes, ["api.openai.com", EXTRA]);
  const doctor = await authsome(["doctor"], { home: home.path, env });
  assert.match(doctor.stdout, new RegExp(`FAIL routes: "openai" .*-${EXTRA}`));
});

function assertRefused(result: CliResult, path: string, fix: RegExp): void {
  assert.equal(result.code, 5, result.stderr);
  assert.ok(result.stderr.includes(path), `names ${path}: ${result.stderr}`);
  assert.match(result.stderr, fix);
}

Deno.test({
  name: "a group-writable home and a provider file owned by another user are refused (exit 5)",
  ignore: Deno.build.os === "windows",
}, async () => {
  await using home = await tempHome();
  assert.equal(
    (await authsome(["login", "openai", "--key-stdin"], { home: home.path, stdin: CANARY })).code,
    0,
  );
  await Deno.chmod(home.path, 0o770);
  for (const args of [["list"], ["run", "--", "true"], ["log"], ["inspect", "openai"]]) {
    assertRefused(await authsome(args, { home: home.path }), home.path, /chmod go-w/);
  }
  const doctor = await authsome(["doctor"], { home: home.path });
  assert.equal(doctor.code, 1);
  assert.match(doctor.stdout, /FAIL ownership: .*writable by group or others/);
  await Deno.chmod(home.path, 0o700);

  await writeOpenai(home.path, ["api.openai.com", EXTRA]);
  const file = `${home.path}/providers/openai.json`;
  if (Deno.uid() === 0) {
    await Deno.chown(file, 65534, 65534);
    assertRefused(await authsome(["list"], { home: home.path }), file, /chown 0/);
    assert.match((await authsome(["doctor"], { home: home.path })).stdout, /owned by another user/);
    await Deno.chown(file, 0, 0);
  }
  await Deno.chmod(file, 0o664);
  assertRefused(await authsome(["run", "--", "true"], { home: home.path }), file, /chmod go-w/);
  await Deno.chmod(`${home.path}/providers`, 0o777);
  await Deno.chmod(file, 0o600);
  assertRefused(
    await authsome(["list"], { home: home.path }),
    `${home.path}/providers`,
    /chmod go-w/,
  );
});

Deno.test("a release whose bundled definition adds a host does not widen a connection; run says so", async () => {
  await using home = await tempHome();
  const injection = [OPENAI.injection];
  const old = [{ host: "api.openai.com", port: 443, path_prefix: "/v0", injection }];
  const env = await releasedVault(home.path, old);
  const result = await authsome(["run", "--", "true"], { home: home.path, env });
  assert.equal(result.code, 0, result.stderr);
  assert.doesNotMatch(result.stderr, /sealed 1 connection/, "already sealed: nothing re-sealed");
  assert.match(
    result.stderr,
    /provider "openai" now declares api\.openai\.com as header Authorization: Bearer \{api_key\}, not approved .*authsome providers approve openai/,
  );
  const connection = await inspect(home.path, env);
  assert.deepEqual(connection.sealed_routes, ["api.openai.com/v0"]);
  assert.deepEqual(connection.unapproved_routes, ["api.openai.com"]);
});

/** `authsome ARGS` on a pseudo-terminal (util-linux `script`), answering `answer` once asked. */
async function onTerminal(home: string, args: string[], answer: string): Promise<CliResult> {
  const [cmd, argv] = authsomeCommand(args);
  const child = new Deno.Command(script!, {
    args: onTerminalArgs([cmd, ...argv]),
    env: testEnv(home),
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let output = await readUntil(reader, "[y/N]");
  await writer.write(new TextEncoder().encode(`${answer}\n`));
  await writer.close();
  output += await readUntil(reader);
  const status = await child.status;
  return { code: status.code, stdout: output, stderr: "" };
}

Deno.test({
  name: "providers approve asks on a terminal: no changes nothing, yes re-seals",
  ignore: !script,
}, async () => {
  await using home = await tempHome();
  const login = await authsome(["login", "openai", "--key-stdin"], {
    home: home.path,
    stdin: CANARY,
  });
  assert.equal(login.code, 0, login.stderr);
  await writeOpenai(home.path, ["api.openai.com", EXTRA]);
  const declined = await onTerminal(home.path, ["providers", "approve", "openai"], "n");
  assert.notEqual(declined.code, 0);
  assert.match(declined.stdout, new RegExp(`\\+ ${EXTRA.replaceAll(".", "\\.")}`));
  assert.match(declined.stdout, /Not approved; nothing was changed/);
  assert.deepEqual((await inspect(home.path)).unapproved_routes, [EXTRA]);
  const accepted = await onTerminal(home.path, ["providers", "approve", "openai"], "y");
  assert.equal(accepted.code, 0, accepted.stdout);
  assert.deepEqual((await inspect(home.path)).sealed_routes, ["api.openai.com", EXTRA]);
});
