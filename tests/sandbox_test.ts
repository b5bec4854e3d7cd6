/**
 * The child of `authsome run` cannot reach the vault key. authsome and the
 * child run as an unprivileged user (a child running as root could read
 * anything); tests/fixtures/attacker.sh tries, as a prompt-injected agent
 * would, every way to the key with each key source, without and with
 * `--sandbox`. What still works without `--sandbox` is asserted too: the
 * docs say so, and these tests are what they cite.
 */

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { type Seen, startOrigin } from "../scripts/fake_api.ts";
import { unprivilegedMissing, type UserWorld, userWorld } from "./helpers/as_user.ts";
import { testEnv } from "./helpers/cli.ts";
import { client } from "./helpers/clients.ts";
import { CANARY, MASKED } from "./helpers/run.ts";
import { runTool } from "../src/tls/_testing.ts";

const required = Deno.env.get("AUTHSOME_REQUIRE_CLIENTS") === "1";
const missing = unprivilegedMissing();
if (missing && required) throw new Error(`CI requires the unprivileged-user tests: ${missing}`);
// deno-lint-ignore no-console
if (missing) console.error(`skip: the unprivileged-user tests ${missing}`);
const curl = client("curl", "the child's requests");
const python = client("/usr/bin/python3", "the child's /proc/PID/mem reader");
const bwrap = client(
  "bwrap",
  "bubblewrap, run --sandbox's sandbox on Linux (apt-get install bubblewrap)",
);
const ignore = !!missing || !curl || !python || !bwrap;

const FIXTURES = fileURLToPath(new URL("./fixtures/", import.meta.url));
type Source = "env" | "passphrase" | "file" | "keyring";

/** A stand-in Secret Service reached only through the D-Bus session socket, as the real one is. */
const SECRET_TOOL = `#!/bin/sh
[ -n "$DBUS_SESSION_BUS_ADDRESS" ] || { echo "secret-tool: no session bus" >&2; exit 1; }
bus=\${DBUS_SESSION_BUS_ADDRESS#unix:path=}
cmd=$1; shift
while [ $# -gt 0 ]; do case "$1" in --label) shift 2;; account) acct=$(printf %s "$2" | tr '/' '_'); shift 2;; *) shift;; esac; done
case $cmd in
  lookup) method=GET;; store) method=PUT;; clear) method=DELETE;;
esac
if [ "$method" = PUT ]; then curl -sf --unix-socket "$bus" -X PUT --data-binary @- "http://bus/$acct"; else curl -sf --unix-socket "$bus" -X "$method" "http://bus/$acct"; fi
rc=$?
[ $rc = 22 ] && exit 1
[ $rc = 0 ] || { echo "secret-tool: cannot reach the session bus" >&2; exit 1; }
`;

interface Outcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Each attempt's exit code, by name. */
  readonly tries: Map<string, number>;
  /** Each attempt's output, by name (`home.d/...` for files copied from AUTHSOME_HOME). */
  readonly files: Map<string, string>;
}

interface World extends AsyncDisposable {
  readonly user: UserWorld;
  readonly home: string;
  /** The vault key as the source holds it: the base64 key, the passphrase, the key file's text. */
  vaultKey(): Promise<string>;
  /** `authsome run FLAGS -- CHILD` as the user, below a shell of the user's (the agent's ancestor). */
  run(flags: readonly string[], child: readonly string[]): Promise<Outcome>;
  readonly originPort: number;
  readonly originCa: string;
  /** What the origin received during the last `run`. */
  readonly seen: readonly Seen[];
}

async function readTree(dir: string, prefix = ""): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for await (const entry of Deno.readDir(dir)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) {
      for (const [k, v] of await readTree(path, `${prefix}${entry.name}/`)) files.set(k, v);
    } else if (entry.isFile) {
      files.set(prefix + entry.name, new TextDecoder("latin1").decode(await Deno.readFile(path)));
    }
  }
  return files;
}

async function world(source: Source): Promise<World> {
  const user = await userWorld();
  const dir = user.dir;
  const origin = await startOrigin(["api.openai.com"]);
  const originCa = `${dir}/origin-ca.pem`;
  await Deno.copyFile(origin.caFile, originCa);
  for (const sub of ["out", "bin", "run"]) await Deno.mkdir(`${dir}/${sub}`, { mode: 0o700 });
  await Deno.writeTextFile(`${dir}/bin/secret-tool`, SECRET_TOOL, { mode: 0o755 });
  const keyring = new Map<string, string>();
  const bus = source === "keyring"
    ? Deno.serve({ path: `${dir}/run/bus`, onListen: () => {} }, async (request) => {
      const account = new URL(request.url).pathname.slice(1);
      if (request.method === "PUT") keyring.set(account, await request.text());
      if (request.method === "DELETE") keyring.delete(account);
      const value = keyring.get(account);
      return value === undefined ? new Response("", { status: 404 }) : new Response(value);
    })
    : undefined;
  const home = `${dir}/home`;
  const secret = source === "env"
    ? btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))))
    : "a passphrase only authsome may hold";
  const env: Record<string, string> = {
    ...testEnv(home),
    ...user.env,
    PATH: `${dir}/bin:/usr/local/bin:/usr/bin:/bin`,
    OUT: `${dir}/out`,
    NEEDLES: `${dir}/needles`,
    PIDS: `${dir}/pids`,
    FIXTURES,
    AUTHSOME_CMD: user.command([]).join(" "),
    ...(source === "env" ? { AUTHSOME_MASTER_KEY: secret } : {}),
    ...(source === "passphrase" ? { AUTHSOME_PASSPHRASE: secret } : {}),
    ...(source === "keyring"
      ? {
        AUTHSOME_KEYRING: "",
        XDG_RUNTIME_DIR: `${dir}/run`,
        DBUS_SESSION_BUS_ADDRESS: `unix:path=${dir}/run/bus`,
      }
      : {}),
  };
  await user.own(dir);
  const spawn = (argv: string[], stdin?: string) =>
    runTool(argv[0], argv.slice(1), stdin, { env, clearEnv: true });
  const login = await spawn(user.asUser(user.command(["login", "openai", "--key-stdin"])), CANARY);
  assert.equal(login.code, 0, login.stderr);
  const vault = JSON.parse(await Deno.readTextFile(`${home}/vault.json`));
  assert.equal(vault.key_source, source);
  const vaultKey = async () =>
    source === "file"
      ? (await Deno.readTextFile(`${home}/master.key`)).trim()
      : source === "keyring"
      ? keyring.get(home.replaceAll("/", "_"))!
      : secret;
  return {
    user,
    home,
    vaultKey,
    originPort: origin.port,
    originCa,
    seen: origin.seen,
    run: async (flags, childArgv) => {
      origin.seen.length = 0;
      await Deno.remove(`${dir}/out`, { recursive: true });
      await Deno.mkdir(`${dir}/out`);
      await Deno.writeTextFile(
        `${dir}/needles`,
        `${CANARY}\n${btoa(CANARY)}\n${await vaultKey()}\n`,
      );
      await user.own(dir);
      const authsome = user.command([
        "run",
        ...origin.connectTo("api.openai.com"),
        "--upstream-ca",
        originCa,
        ...flags,
        "--",
        ...childArgv,
      ]);
      // The agent's ancestor: a shell of the user's that starts authsome and records both pids.
      const script = 'echo $$ > "$0"; "$@" & echo $! >> "$0"; wait $!';
      const result = await spawn(
        user.asUser(["/bin/sh", "-c", script, `${dir}/pids`, ...authsome]),
      );
      const tries = new Map(
        [...result.stdout.matchAll(/^(\w+)=(\d+)$/gm)].map((m) => [m[1], Number(m[2])]),
      );
      return { ...result, tries, files: await readTree(`${dir}/out`) };
    },
    [Symbol.asyncDispose]: async () => {
      await bus?.shutdown();
      await origin[Symbol.asyncDispose]();
      await user[Symbol.asyncDispose]();
    },
  };
}

/** Fails when any output but the `allowed` ones holds one of `needles`. */
function assertNowhere(outcome: Outcome, needles: readonly string[], allowed: readonly string[]) {
  for (const [name, text] of outcome.files) {
    if (allowed.some((a) => name === a || name.startsWith(`${a}/`))) continue;
    for (const needle of needles) {
      assert.ok(!text.includes(needle), `a secret was readable by the child in ${name}`);
    }
  }
}

/** The origin got the key on `path`; the child read the echo back masked. */
function injected(w: World, outcome: Outcome, path: string): void {
  assert.equal(outcome.tries.get("proxied"), 0, outcome.files.get("proxied.err") ?? "");
  assert.deepEqual(
    w.seen.filter((s) => s.path === path).map((s) => s.headers.authorization),
    [`Bearer ${CANARY}`],
    "the origin received the key",
  );
  const echoed = JSON.parse(outcome.files.get("proxied")!);
  assert.equal(echoed.headers.authorization, `Bearer ${MASKED}`, "the child sees it masked");
}

const ATTACK = ["/bin/sh", `${FIXTURES}attacker.sh`];

for (const source of ["env", "passphrase", "file", "keyring"] as const) {
  Deno.test({
    name:
      `${source} key source: run's own process is unreadable; --sandbox also hides the key file, keyring, vault and ancestors`,
    ignore,
    async fn(t) {
      await using w = await world(source);
      const key = await w.vaultKey();
      const canaries = [CANARY, btoa(CANARY)];

      await t.step("without --sandbox", async () => {
        const o = await w.run([], ATTACK);
        assert.equal(o.code, 0, o.stderr);
        assert.doesNotMatch(o.stderr, /cannot make this process unreadable/);
        assert.notEqual(o.tries.get("ppid_environ"), 0, "/proc/$PPID/environ is refused");
        assert.match(o.files.get("ppid_mem")!, /^denied: Permission denied/);
        assert.notEqual(o.tries.get("ancestor2_environ"), 0, "authsome's environ is refused");
        injected(w, o, "/v1/sandboxed");
        // Never readable: the stored credential, anywhere (the proxied echo comes back masked).
        assertNowhere(o, canaries, ["export"]);
        // What only --sandbox closes, by source (the docs' "without --sandbox" list).
        const leaks: Record<Source, string[]> = {
          env: ["ancestor1_environ"],
          passphrase: ["ancestor1_environ"],
          file: ["key_file", "home.d/master.key", "export"],
          keyring: ["secret_tool", "bus", "export"],
        };
        for (const name of leaks[source]) {
          assert.ok(o.files.get(name)?.includes(name === "export" ? CANARY : key), name);
        }
        assertNowhere(o, [key], leaks[source]);
        if (source === "env" || source === "passphrase") {
          assert.notEqual(o.tries.get("export"), 0, "authsome export cannot open the vault");
        }
      });

      await t.step("with --sandbox", async () => {
        const o = await w.run(["--sandbox"], ATTACK);
        assert.equal(o.code, 0, o.stderr);
        for (const name of ["export", "key_file", "secret_tool", "bus"]) {
          assert.notEqual(o.tries.get(name), 0, `${name} must fail in the sandbox`);
        }
        assert.notEqual(o.tries.get("ancestor1_environ"), 0, "the agent's shell is out of sight");
        assert.notEqual(o.tries.get("ancestor2_environ"), 0, "authsome is out of sight");
        assert.notEqual(o.tries.get("ppid_environ"), 0, "the helper's environ is refused too");
        assert.match(o.files.get("ppid_mem")!, /^denied: /);
        const copied = [...o.files.keys()].filter((name) => name.startsWith("home.d/"));
        assert.ok(
          copied.every((name) => /^home\.d\/(ca\/ca\.pem|runs\/\w+\/)/.test(name)),
          `${copied}`,
        );
        assert.ok(!o.files.get("env")!.includes("DBUS_SESSION_BUS_ADDRESS"));
        injected(w, o, "/v1/sandboxed");
        assertNowhere(o, [...canaries, key], []);
      });
    },
  });
}

Deno.test({
  name:
    "--sandbox=network: a client that ignores the proxy fails closed; through the proxy it works",
  ignore,
  async fn() {
    await using w = await world("file");
    const direct =
      `curl -sS --noproxy '*' --cacert ${w.originCa} --connect-to api.openai.com:443:127.0.0.1:${w.originPort} https://api.openai.com/v1/direct`;
    const child = [
      "/bin/sh",
      "-c",
      `${direct} > "$OUT/direct" 2>&1; echo direct=$?; curl -sS https://api.openai.com/v1/proxied > "$OUT/proxied"; echo proxied=$?`,
    ];
    for (const flags of [[], ["--sandbox"]]) {
      const open = await w.run(flags, child);
      assert.equal(
        open.tries.get("direct"),
        0,
        `${flags}: without a network namespace it goes direct`,
      );
    }
    const closed = await w.run(["--sandbox=network"], child);
    assert.equal(closed.code, 0, closed.stderr);
    assert.equal(closed.tries.get("direct"), 7, closed.files.get("direct") ?? "");
    assert.match(closed.files.get("direct")!, /Failed to connect to 127\.0\.0\.1/);
    injected(w, closed, "/v1/proxied");
  },
});
