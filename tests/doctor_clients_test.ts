/**
 * `authsome doctor --clients` on this machine: its table is checked against
 * what each client really does under `authsome run` (the other e2e tests
 * prove those clients get the key; here old Node's fetch is shown to go
 * around the proxy), and clients made to fail by their environment get the
 * fix for the step that failed.
 */

import assert from "node:assert/strict";
import { authsome, tempHome } from "./helpers/cli.ts";
import { client } from "./helpers/clients.ts";
import { e2e } from "./helpers/run.ts";

const curl = client("curl", "the doctor's main client");

interface Row {
  id: string;
  client: string;
  version?: string;
  missing?: string;
  proxy: boolean | null;
  token: boolean | null;
  ca: boolean | null;
  credential: boolean | null;
  ok: boolean;
  fix?: string;
}

const PROGRAMS: Record<string, string> = {
  curl: "curl",
  wget: "wget",
  "node-https": "node",
  "node-fetch": "node",
  go: "go",
  git: "git",
  bun: "bun",
};

function nodeVersion(): [number, number] {
  const out = new Deno.Command("/usr/bin/node", { args: ["--version"] }).outputSync();
  const [major, minor] = new TextDecoder().decode(out.stdout).slice(1).split(".").map(Number);
  return [major, minor];
}

function exists(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

/** A PATH of the system's folders plus one holding `deno` (this test's own). */
async function binDir(): Promise<{ path: string } & AsyncDisposable> {
  const dir = await Deno.makeTempDir({ prefix: "authsome-doctor-bin-" });
  await Deno.symlink(Deno.execPath(), `${dir}/deno`);
  return {
    path: `${dir}:/usr/bin:/bin`,
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  };
}

async function doctor(env: Record<string, string>): Promise<{ code: number; rows: Row[] }> {
  await using home = await tempHome();
  const result = await authsome(["--json", "doctor", "--clients"], { home: home.path, env });
  const parsed = JSON.parse(result.stdout);
  assert.equal(parsed.ok, result.code === 0, result.stderr);
  const entries = [...Deno.readDirSync(home.path)];
  assert.deepEqual(entries, [], "doctor --clients leaves the user's home alone");
  return { code: result.code, rows: parsed.clients };
}

Deno.test({
  name: "doctor --clients: each client on PATH gets all four OK, old Node's fetch gets its fix",
  ignore: !curl,
}, async () => {
  await using bin = await binDir();
  const cache = await Deno.makeTempDir({ prefix: "authsome-doctor-go-" });
  try {
    const { code, rows } = await doctor({ PATH: bin.path, GOCACHE: cache, HOME: cache });
    const byId = new Map(rows.map((r) => [r.id, r]));
    const [major, minor] = nodeVersion();
    const oldFetch = !(major >= 24 || (major === 22 && minor >= 21));
    for (const row of rows) {
      const program = PROGRAMS[row.id];
      if (program && !exists(`/usr/bin/${program}`) && !exists(`/bin/${program}`)) {
        assert.equal(row.missing, "not found on PATH", row.id);
        continue;
      }
      if (row.missing) {
        assert.match(row.missing, /not installed/, `${row.id}: only Python modules may be absent`);
        continue;
      }
      if (row.id === "node-fetch" && oldFetch) {
        assert.deepEqual([row.proxy, row.token, row.ca, row.credential], [false, null, null, null]);
        assert.match(row.fix!, /fetch\(\) ignores NODE_USE_ENV_PROXY.*Node 24 or 22\.21\+/);
        continue;
      }
      assert.deepEqual(
        [row.proxy, row.token, row.ca, row.credential, row.ok],
        [true, true, true, true, true],
        `${row.client}: ${row.fix}`,
      );
    }
    assert.equal(byId.get("deno")?.ok, true, "the deno on PATH is checked");
    assert.equal(byId.get("curl")?.version?.split(".").length, 3);
    assert.equal(code, rows.every((r) => r.ok) ? 0 : 1);
  } finally {
    await Deno.remove(cache, { recursive: true });
  }
});

Deno.test({
  name: "old Node's fetch really goes around the proxy, as doctor --clients says",
  ignore: !exists("/usr/bin/node"),
}, async () => {
  const [major, minor] = nodeVersion();
  if (major >= 24 || (major === 22 && minor >= 21)) return;
  await using t = await e2e();
  const result = await t.run([
    "/usr/bin/node",
    "-e",
    `fetch("https://api.openai.com/v1/fetch").then(() => console.log("reached"), (e) => console.log(e.cause?.code ?? e.message))`,
  ]);
  assert.equal(result.code, 0, result.stderr);
  assert.notEqual(result.stdout.trim(), "reached");
  assert.deepEqual(t.origin.seen, [], "the request never reached the API through the proxy");
});

Deno.test({
  name: "doctor --clients names the fix when the environment breaks a client",
  ignore: !curl,
}, async () => {
  const dir = await Deno.makeTempDir({ prefix: "authsome-doctor-env-" });
  try {
    // curl reads $CURL_HOME/.curlrc: a CA file of its own beats CURL_CA_BUNDLE.
    await Deno.writeTextFile(`${dir}/.curlrc`, "cacert = /etc/ssl/certs/ca-certificates.crt\n");
    const { code, rows } = await doctor({ PATH: "/usr/bin:/bin", CURL_HOME: dir, HOME: dir });
    const row = rows.find((r) => r.id === "curl")!;
    assert.equal(code, 1);
    assert.deepEqual([row.proxy, row.token, row.ca, row.credential], [true, true, false, null]);
    assert.match(row.fix!, /curl does not trust the run's CA: it reads CURL_CA_BUNDLE/);
    const text = await authsome(["doctor", "--clients"], {
      env: { PATH: "/usr/bin:/bin", HOME: dir, NO_PROXY: "check.authsome.test" },
    });
    assert.equal(text.code, 1);
    assert.match(text.stdout, /^curl +\d+\.\d+\.\d+ +FAIL +- +- +-$/m);
    assert.match(
      text.stdout,
      /^FAIL curl: curl did not use HTTPS_PROXY: check its own configuration \(a proxy or no-proxy setting\) and NO_PROXY/m,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
