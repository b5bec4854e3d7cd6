import assert from "node:assert/strict";
import {
  authsome,
  authsomeCommand,
  onTerminalArgs,
  readUntil,
  tempHome,
  testEnv,
} from "./helpers/cli.ts";
import { client } from "./helpers/clients.ts";

const KEY = "sk-canary0123456789abcdefghij";
const MASTER = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));

async function login(
  home: string,
  connection: string,
  key = KEY,
  env: Record<string, string> = {},
) {
  return await authsome(["login", "openai", "--key-stdin", "--connection", connection], {
    home,
    stdin: `${key}\n`,
    env,
  });
}

async function exported(
  home: string,
  env: Record<string, string> = {},
  connection?: string,
): Promise<string> {
  const args = [
    "export",
    "openai",
    "--format",
    "json",
    ...(connection ? ["--connection", connection] : []),
  ];
  const result = await authsome(args, { home, env });
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout).OPENAI_API_KEY;
}

async function mode(path: string): Promise<string> {
  return ((await Deno.stat(path)).mode! & 0o777).toString(8);
}

async function vaultJson(home: string) {
  return JSON.parse(await Deno.readTextFile(`${home}/vault.json`));
}

Deno.test("login with the key file source: round trip, 0700 home, 0600 files", async () => {
  await using home = await tempHome();
  const root = `${home.path}/nested/home`;
  const result = await login(root, "default");
  assert.equal(result.code, 0, result.stderr);
  assert.equal(await exported(root), KEY);
  assert.equal(await mode(root), "700");
  assert.equal(await mode(`${root}/vault.json`), "600");
  assert.equal(await mode(`${root}/master.key`), "600");
  assert.equal((await vaultJson(root)).key_source, "file");
});

Deno.test("login with AUTHSOME_MASTER_KEY: round trip, no key file, the wrong key is exit 5", async () => {
  await using home = await tempHome();
  const env = { AUTHSOME_MASTER_KEY: MASTER };
  assert.equal((await login(home.path, "default", KEY, env)).code, 0);
  assert.equal(await exported(home.path, env), KEY);
  await assert.rejects(() => Deno.stat(`${home.path}/master.key`));
  const other = btoa(String.fromCharCode(...new Uint8Array(32)));
  const wrong = await authsome(["list"], { home: home.path, env: { AUTHSOME_MASTER_KEY: other } });
  assert.equal(wrong.code, 5);
  assert.match(wrong.stderr, /Wrong key for the vault/);
  const missing = await authsome(["list"], { home: home.path });
  assert.equal(missing.code, 5);
  assert.match(missing.stderr, /created with AUTHSOME_MASTER_KEY/);
  const bad = await authsome(["list"], { home: home.path, env: { AUTHSOME_MASTER_KEY: "short" } });
  assert.equal(bad.code, 5);
  assert.match(bad.stderr, /base64 of 32 bytes/);
});

Deno.test("login with AUTHSOME_PASSPHRASE: scrypt parameters in the header, wrong passphrase is exit 5", async () => {
  await using home = await tempHome();
  const env = { AUTHSOME_PASSPHRASE: "correct horse battery" };
  assert.equal((await login(home.path, "default", KEY, env)).code, 0);
  const header = await vaultJson(home.path);
  assert.equal(header.key_source, "passphrase");
  assert.equal(header.kdf.name, "scrypt");
  assert.ok(header.kdf.N >= 2 ** 17);
  assert.equal(await exported(home.path, env), KEY);
  const wrong = await authsome(["list"], {
    home: home.path,
    env: { AUTHSOME_PASSPHRASE: "wrong" },
  });
  assert.equal(wrong.code, 5);
  assert.match(wrong.stderr, /Check AUTHSOME_PASSPHRASE/);
});

Deno.test("the OS keyring source, through a secret-tool on PATH, and rekey between sources", async () => {
  await using home = await tempHome();
  const bin = `${home.path}/bin`;
  await Deno.mkdir(bin);
  // A stand-in Secret Service: one file per account, under the test's folder.
  await Deno.writeTextFile(
    `${bin}/secret-tool`,
    `#!/bin/sh
store="${home.path}/keyring"; mkdir -p "$store"
cmd=$1; shift
while [ $# -gt 0 ]; do case "$1" in --label) shift 2;; account) acct=$(printf %s "$2" | tr '/' '_'); shift 2;; *) shift;; esac; done
case $cmd in
  lookup) [ -f "$store/$acct" ] && cat "$store/$acct" || exit 1;;
  store) cat > "$store/$acct";;
  clear) rm -f "$store/$acct";;
esac
`,
  );
  await Deno.chmod(`${bin}/secret-tool`, 0o755);
  const root = `${home.path}/h`;
  const env = { PATH: `${bin}:${Deno.env.get("PATH")}`, AUTHSOME_KEYRING: "" };
  assert.equal((await login(root, "default", KEY, env)).code, 0);
  assert.equal((await vaultJson(root)).key_source, "keyring");
  await assert.rejects(() => Deno.stat(`${root}/master.key`));
  assert.equal(await exported(root, env), KEY);
  const doctor = await authsome(["doctor"], { home: root, env });
  assert.match(doctor.stdout, /OK {3}key source: Secret Service/);

  const toFile = await authsome(["vault", "rekey", "--to", "file"], { home: root, env });
  assert.equal(toFile.code, 0, toFile.stderr);
  assert.equal((await vaultJson(root)).key_source, "file");
  assert.equal(await exported(root, env), KEY);
  assert.deepEqual(
    [...Deno.readDirSync(`${home.path}/keyring`)],
    [],
    "the old keyring entry is removed",
  );

  const toPass = await authsome(["vault", "rekey", "--to", "passphrase", "--passphrase-stdin"], {
    home: root,
    env,
    stdin: "a long passphrase\n",
  });
  assert.equal(toPass.code, 0, toPass.stderr);
  await assert.rejects(() => Deno.stat(`${root}/master.key`), "the old key file is removed");
  assert.equal(await exported(root, { ...env, AUTHSOME_PASSPHRASE: "a long passphrase" }), KEY);
});

Deno.test("tampering is detected: swapped records, a flipped byte, a deleted record, truncation", async () => {
  await using home = await tempHome();
  assert.equal((await login(home.path, "one", KEY)).code, 0);
  assert.equal((await login(home.path, "two", "sk-other0123456789abcdefghij")).code, 0);
  const original = await Deno.readTextFile(`${home.path}/vault.json`);
  const tamper = async (
    edit: (v: { records: Record<string, { nonce: string; data: string }> }) => void,
  ) => {
    const vault = JSON.parse(original);
    edit(vault);
    await Deno.writeTextFile(`${home.path}/vault.json`, JSON.stringify(vault));
    const result = await authsome(["list"], { home: home.path });
    await Deno.writeTextFile(`${home.path}/vault.json`, original);
    return result;
  };
  const swapped = await tamper((v) => {
    const a = v.records["connection/openai/one"];
    v.records["connection/openai/one"] = v.records["connection/openai/two"];
    v.records["connection/openai/two"] = a;
  });
  assert.equal(swapped.code, 5);
  assert.match(swapped.stderr, /modified or moved/);
  const flipped = await tamper((v) => {
    const r = v.records["connection/openai/one"];
    const bytes = atob(r.data);
    r.data = btoa(
      bytes.slice(0, 5) + String.fromCharCode(bytes.charCodeAt(5) ^ 0x40) + bytes.slice(6),
    );
  });
  assert.equal(flipped.code, 5);
  const deleted = await tamper((v) => delete v.records["connection/openai/two"]);
  assert.equal(deleted.code, 5);
  assert.match(deleted.stderr, /records were added or removed/);
  await Deno.writeTextFile(`${home.path}/vault.json`, original.slice(0, original.length / 2));
  const truncated = await authsome(["list"], { home: home.path });
  assert.equal(truncated.code, 5);
  assert.match(truncated.stderr, /corrupt: it is not valid JSON/);
  const refused = await login(home.path, "three");
  assert.equal(refused.code, 5, "a process that cannot read the vault never writes it");
  assert.equal(
    await Deno.readTextFile(`${home.path}/vault.json`),
    original.slice(0, original.length / 2),
  );
});

Deno.test("a vault from a newer authsome is refused with exit 5", async () => {
  await using home = await tempHome();
  await Deno.writeTextFile(
    `${home.path}/vault.json`,
    JSON.stringify({ format: "authsome-vault", version: 9, key_source: "file", records: {} }),
  );
  const result = await authsome(["list"], { home: home.path });
  assert.equal(result.code, 5);
  assert.match(result.stderr, /format version 9, newer than this authsome reads\nUpgrade authsome/);
});

Deno.test("20 concurrent logins on different connections all land", async () => {
  await using home = await tempHome();
  const env = { AUTHSOME_MASTER_KEY: MASTER };
  const results = await Promise.all(
    Array.from(
      { length: 20 },
      (_, i) => login(home.path, `c${i}`, `sk-concurrent${String(i).padStart(16, "0")}`, env),
    ),
  );
  for (const result of results) assert.equal(result.code, 0, result.stderr);
  const list = JSON.parse((await authsome(["list", "--json"], { home: home.path, env })).stdout);
  const openai = list.providers.find((p: { name: string }) => p.name === "openai");
  assert.equal(openai.connections.length, 20);
  assert.equal(await exported(home.path, env, "c7"), `sk-concurrent${"7".padStart(16, "0")}`);
  assert.equal([...Deno.readDirSync(home.path)].filter((e) => e.name.includes("lock")).length, 0);
});

Deno.test("a writer killed with SIGKILL mid-write leaves the old state, and the next writer proceeds", async () => {
  await using home = await tempHome();
  assert.equal((await login(home.path, "default")).code, 0);
  const before = await Deno.readTextFile(`${home.path}/vault.json`);
  const env = testEnv(home.path, { AUTHSOME_TEST_PAUSE_BEFORE_RENAME_MS: "5000" });
  const [cmd, args] = authsomeCommand(
    ["login", "openai", "--key-stdin", "--connection", "late"],
    env,
  );
  const child = new Deno.Command(cmd, {
    args,
    env,
    stdin: "piped",
    stdout: "null",
    stderr: "null",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(`${KEY}\n`));
  await writer.close();
  for (let i = 0; i < 200; i++) {
    if (await Deno.stat(`${home.path}/vault.json.tmp`).then(() => true, () => false)) break;
    await new Promise((r) => setTimeout(r, 25));
  }
  child.kill("SIGKILL");
  await child.status;
  assert.equal(await Deno.readTextFile(`${home.path}/vault.json`), before);
  const list = await authsome(["list", "--json"], { home: home.path });
  assert.equal(list.code, 0);
  assert.doesNotMatch(list.stdout, /"late"/);
  const next = await login(home.path, "after");
  assert.equal(next.code, 0, `the dead writer's lock is broken: ${next.stderr}`);
});

Deno.test("a lock left by a dead process is broken; a live holder makes writers wait", async () => {
  await using home = await tempHome();
  await Deno.writeTextFile(
    `${home.path}/vault.lock`,
    JSON.stringify({ pid: 2 ** 22 + 12345, host: Deno.hostname(), since: "2020-01-01T00:00:00Z" }),
  );
  const result = await login(home.path, "default");
  assert.equal(result.code, 0, result.stderr);
});

Deno.test("a lock naming no holder (its writer killed before writing it) is broken once old", async () => {
  await using home = await tempHome();
  assert.equal((await login(home.path, "first")).code, 0);
  const lock = `${home.path}/vault.lock`;
  await Deno.writeTextFile(lock, "");
  const waiting = login(home.path, "second");
  const early = await Promise.race([
    waiting.then(() => "finished"),
    new Promise((r) => setTimeout(() => r("waiting"), 2000)),
  ]);
  assert.equal(early, "waiting", "a fresh empty lock may be a holder about to write its pid");
  const minuteAgo = new Date(Date.now() - 60_000);
  await Deno.utime(lock, minuteAgo, minuteAgo);
  const result = await waiting;
  assert.equal(result.code, 0, `the abandoned lock is broken: ${result.stderr}`);
  const list = await authsome(["list", "--json"], { home: home.path });
  assert.match(list.stdout, /"second"/);
});

Deno.test("connections: the first is the default, --force replaces, logout moves the default", async () => {
  await using home = await tempHome();
  assert.equal((await login(home.path, "personal")).code, 0);
  assert.equal((await login(home.path, "work", "sk-work00000000000000000000")).code, 0);
  const again = await login(home.path, "work");
  assert.equal(again.code, 1);
  assert.match(again.stderr, /already has a connection "work"\nReplace it with --force/);
  const forced = await authsome(["login", "openai", "--key-stdin", "-c", "work", "--force"], {
    home: home.path,
    stdin: "sk-work11111111111111111111",
  });
  assert.equal(forced.code, 0);
  assert.equal(await exported(home.path, {}, "work"), "sk-work11111111111111111111");
  assert.equal(await exported(home.path), KEY, "export uses the default, personal");
  assert.equal((await authsome(["set-default", "openai", "work"], { home: home.path })).code, 0);
  assert.equal(await exported(home.path), "sk-work11111111111111111111");
  assert.equal((await authsome(["set-default", "openai", "nope"], { home: home.path })).code, 3);
  const logout = await authsome(["logout", "openai"], { home: home.path });
  assert.match(logout.stdout, /Removed connection "work"[^]*default connection is now "personal"/);
  const list = await authsome(["list"], { home: home.path });
  assert.match(list.stdout, /^openai +personal \* +api_key +connected/m);
  assert.match(list.stdout, /1 connection\(s\) across 1 provider\(s\)/);
  assert.equal((await authsome(["logout", "openai", "-c", "ghost"], { home: home.path })).code, 3);
});

Deno.test("login checks the key against the provider's pattern and reads --from-env", async () => {
  await using home = await tempHome();
  const bad = await authsome(["login", "openai", "--key-stdin"], {
    home: home.path,
    stdin: "not-a-key",
  });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /does not look right[^]*platform\.openai\.com/);
  await assert.rejects(() => Deno.stat(`${home.path}/vault.json`), "nothing is written");
  const fromEnv = await authsome(["login", "openai", "--from-env", "MY_KEY"], {
    home: home.path,
    env: { MY_KEY: KEY },
  });
  assert.equal(fromEnv.code, 0, fromEnv.stderr);
  assert.equal(await exported(home.path), KEY);
  const unset = await authsome(["login", "openai", "--from-env", "NOPE", "-c", "x"], {
    home: home.path,
  });
  assert.equal(unset.code, 2);
  assert.match(unset.stderr, /"NOPE" is not set/);
  const noTty = await authsome(["login", "anthropic"], { home: home.path });
  assert.equal(noTty.code, 2);
  assert.match(noTty.stderr, /No terminal to ask[^]*--key-stdin/);
});

Deno.test("login asks for a provider's extra fields and checks them", async () => {
  await using home = await tempHome();
  const missing = await authsome(["login", "twilio", "--key-stdin"], {
    home: home.path,
    stdin: "token",
  });
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /Missing field "account_sid"[^]*--field account_sid=VALUE/);
  const typo = await authsome(["login", "twilio", "--key-stdin", "--field", "acount_sid=AC1"], {
    home: home.path,
    stdin: "t",
  });
  assert.match(typo.stderr, /did you mean "account_sid"/);
  const sid = `AC${"0".repeat(32)}`;
  const ok = await authsome(["login", "twilio", "--key-stdin", "--field", `account_sid=${sid}`], {
    home: home.path,
    stdin: "tok",
  });
  assert.equal(ok.code, 0, ok.stderr);
  const inspect = await authsome(["inspect", "twilio"], { home: home.path });
  assert.match(inspect.stdout, new RegExp(`account_sid=${sid}`));
  assert.match(inspect.stdout, /api_key=\[secret\]/);
});

Deno.test("eval of export --format shell reproduces nasty values byte for byte in bash and zsh", async () => {
  const shells = ["bash", "zsh"].map((s) => client(s, "eval of export output")).filter((
    s,
  ): s is string => !!s);
  await using home = await tempHome();
  const nasty = `it's "quoted" $HOME \`date\` \\back\\slash\nnew line\ttab; echo pwned ' end`;
  await Deno.mkdir(`${home.path}/providers`);
  await Deno.writeTextFile(
    `${home.path}/providers/nasty.json`,
    JSON.stringify({
      name: "nasty",
      display_name: "Nasty",
      auth_type: "api_key",
      api_url: "api.nasty.test",
      injection: { type: "header", name: "X-Key" },
      export: { NASTY_KEY: "api_key" },
      docs_url: "https://nasty.test",
    }),
  );
  assert.equal(
    (await authsome(["login", "nasty", "--key-stdin"], { home: home.path, stdin: nasty })).code,
    0,
  );
  for (const format of ["shell", "env"]) {
    const script = await authsome(["export", "nasty", "--format", format], { home: home.path });
    assert.match(script.stderr, /authsome run/);
    for (const shell of shells) {
      const out = new Deno.Command(shell, {
        args: ["-c", 'eval "$1"; printf %s "$NASTY_KEY"', "sh", script.stdout],
        stdout: "piped",
      }).outputSync();
      assert.equal(new TextDecoder().decode(out.stdout), nasty, `${shell} ${format}`);
    }
  }
});

Deno.test("the hidden prompt does not echo the key, and Ctrl-C leaves nothing behind", async () => {
  const script = client("script", "a pseudo-terminal for the hidden prompt");
  if (!script) return;
  await using home = await tempHome();
  const [cmd, args] = authsomeCommand(["login", "openai"]);
  const typed = async (input: string) => {
    const child = new Deno.Command(script, {
      args: onTerminalArgs([cmd, ...args]),
      env: testEnv(home.path),
      stdin: "piped",
      stdout: "piped",
      stderr: "null",
    }).spawn();
    const writer = child.stdin.getWriter();
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    // Typed once the question shows: the prompt hides what is typed from then on.
    let text = await readUntil(reader, "OpenAI API key: ");
    await writer.write(new TextEncoder().encode(input));
    await writer.close();
    text += await readUntil(reader);
    return { code: (await child.status).code, text };
  };
  const cancelled = await typed("sk-partial\x03");
  assert.equal(cancelled.code, 130, cancelled.text);
  assert.doesNotMatch(cancelled.text, /sk-partial/);
  await assert.rejects(() => Deno.stat(`${home.path}/vault.json`), "Ctrl-C stores nothing");
  const entered = await typed(`${KEY}\r`);
  assert.equal(entered.code, 0, entered.text);
  assert.match(entered.text, /OpenAI API key: /);
  assert.doesNotMatch(entered.text, new RegExp(KEY), "the key is not echoed");
  assert.equal(await exported(home.path), KEY);
});

Deno.test("the canary key appears nowhere but the vault and export's stdout", async () => {
  await using home = await tempHome();
  const outputs: string[] = [];
  const run = async (args: string[], stdin?: string) => {
    const result = await authsome(args, { home: home.path, stdin });
    outputs.push(result.stderr, args[0] === "export" ? "" : result.stdout);
    return result;
  };
  await run(["login", "openai", "--key-stdin"], KEY);
  await run(["login", "openai", "--key-stdin", "-c", "b"], KEY);
  await run(["login", "openai", "--key-stdin"], KEY);
  await run(["list"]);
  await run(["list", "--json"]);
  await run(["inspect", "openai"]);
  await run(["inspect", "openai", "--json"]);
  await run(["doctor"]);
  await run(["doctor", "--json"]);
  await run(["export", "openai"]);
  await run(["logout", "openai", "-c", "b"]);
  await run(["--verbose", "set-default", "openai", "nope"]);
  const canaries = [KEY, btoa(KEY)];
  for (const text of outputs) {
    for (const canary of canaries) assert.ok(!text.includes(canary), `leaked in: ${text}`);
  }
  for (const entry of Deno.readDirSync(home.path)) {
    if (!entry.isFile || entry.name === "vault.json") continue;
    const text = await Deno.readTextFile(`${home.path}/${entry.name}`);
    for (const canary of canaries) assert.ok(!text.includes(canary), `leaked in ${entry.name}`);
  }
});
