/**
 * Every Node process of the child goes through the run's preload, however it
 * was started: the system Node (older than 22.21 here) routes https through
 * the proxy and warns once per run that fetch() does not; Node 24 needs no
 * help and prints nothing.
 */

import assert from "node:assert/strict";
import { ROOT } from "./helpers/cli.ts";
import { client } from "./helpers/clients.ts";
import { CANARY, e2e, MASKED } from "./helpers/run.ts";

const oldNode = client("/usr/bin/node", "the system Node, older than 22.21", (path) => {
  const out = new Deno.Command(path, { args: ["--version"] }).outputSync();
  const [major, minor] = new TextDecoder().decode(out.stdout).slice(1).split(".").map(Number);
  return major < 22 || (major === 22 && minor < 21) || major === 23;
});
const npx = client("npx", "npx of a local package with the system Node");
const node24 = client(
  `${ROOT}.tools/node24/node_modules/.bin/node`,
  "Node 24 for NODE_USE_ENV_PROXY (.ci/run installs it)",
);

const BEARER = `Bearer ${CANARY}`;
/** What the child reads back: the origin's echo, with the injected key masked. */
const ECHOED = `Bearer ${MASKED}`;
const WARNING =
  /^authsome: warning: Node v\d+\.\d+\.\d+ ignores NODE_USE_ENV_PROXY: fetch\(\) and undici go around authsome's proxy and get no credential \(https\.request and https\.get are routed\)\. Use Node 24 or 22\.21\+$/m;

/** A probe that calls the API with https.get and prints the Authorization header the API echoed. */
const PROBE = `#!/usr/bin/env node
const https = require("https");
https.get("https://api.openai.com/v1/" + (process.argv[2] || "node"), (res) => {
  let body = "";
  res.on("data", (c) => (body += c));
  res.on("end", () => console.log(JSON.parse(body).headers.authorization));
}).on("error", (e) => {
  console.error("probe failed: " + e.message);
  process.exit(1);
});
`;

/** A folder with the probe as an executable script and as the bin of a local package. */
async function probeDir(): Promise<{ dir: string } & AsyncDisposable> {
  const dir = await Deno.makeTempDir({ prefix: "authsome-node-" });
  await Deno.writeTextFile(`${dir}/probe.js`, PROBE, { mode: 0o755 });
  await Deno.mkdir(`${dir}/node_modules/.bin`, { recursive: true });
  await Deno.symlink("../../probe.js", `${dir}/node_modules/.bin/probe`);
  await Deno.writeTextFile(
    `${dir}/package.json`,
    JSON.stringify({ name: "probe-project", version: "1.0.0", private: true }),
  );
  return { dir, [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }) };
}

function warnings(stderr: string): number {
  return stderr.split("\n").filter((line) => WARNING.test(line)).length;
}

Deno.test({
  name: "old Node through env, sh -c and a shebang script: https is routed, one warning per run",
  ignore: !oldNode,
}, async () => {
  await using t = await e2e();
  await using p = await probeDir();
  const bin = oldNode!.replace(/\/node$/, "");
  const env = { PATH: `${bin}:/usr/bin:/bin` };
  const launches: string[][] = [
    ["env", "node", `${p.dir}/probe.js`],
    ["sh", "-c", `node ${p.dir}/probe.js one; node ${p.dir}/probe.js two`],
    [`${p.dir}/probe.js`],
  ];
  for (const argv of launches) {
    const result = await t.run(argv, { env });
    assert.equal(result.code, 0, `${argv.join(" ")}: ${result.stderr}`);
    const lines = result.stdout.trim().split("\n");
    assert.ok(lines.length >= 1 && lines.every((l) => l === ECHOED), `${argv}: ${result.stdout}`);
    assert.equal(warnings(result.stderr), 1, `${argv.join(" ")}: ${result.stderr}`);
  }
  assert.deepEqual(
    t.origin.seen.map((s) => `${s.path} ${s.headers.authorization}`).sort(),
    ["/v1/node", "/v1/node", "/v1/one", "/v1/two"].map((path) => `${path} ${BEARER}`),
  );
});

Deno.test({
  name: "npx of a local package on old Node is routed and warns once",
  ignore: !oldNode || !npx,
}, async () => {
  await using t = await e2e();
  await using p = await probeDir();
  const result = await t.run(["sh", "-c", `cd ${p.dir} && npx --no probe npx`], {
    env: {
      PATH: `${oldNode!.replace(/\/node$/, "")}:/usr/bin:/bin`,
      HOME: p.dir,
      npm_config_cache: `${p.dir}/.npm`,
      npm_config_update_notifier: "false",
      npm_config_offline: "true",
    },
  });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout.trim(), ECHOED);
  assert.equal(warnings(result.stderr), 1, result.stderr);
  assert.deepEqual(t.origin.seen.map((s) => [s.path, s.headers.authorization]), [
    ["/v1/npx", BEARER],
  ]);
});

Deno.test({
  name: "the user's NODE_OPTIONS still apply, before authsome's preload",
  ignore: !oldNode,
}, async () => {
  await using t = await e2e();
  await using p = await probeDir();
  await Deno.writeTextFile(`${p.dir}/mine.cjs`, `process.stderr.write("mine loaded\\n");`);
  const result = await t.run([oldNode!, `${p.dir}/probe.js`], {
    env: { NODE_OPTIONS: `--require ${p.dir}/mine.cjs` },
  });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout.trim(), ECHOED);
  assert.deepEqual(t.origin.seen.map((s) => [s.path, s.headers.authorization]), [
    ["/v1/node", BEARER],
  ]);
  assert.match(result.stderr, /mine loaded\n[^]*authsome: warning/);
});

Deno.test({
  name: "Node 24 routes https and fetch itself: the preload stays silent",
  ignore: !node24,
}, async () => {
  await using t = await e2e();
  await using p = await probeDir();
  const script = `${p.dir}/both.mjs`;
  await Deno.writeTextFile(
    script,
    `const r = await fetch("https://api.openai.com/v1/fetch"); console.log((await r.json()).headers.authorization);`,
  );
  const https = await t.run([node24!, `${p.dir}/probe.js`]);
  const fetched = await t.run([node24!, script]);
  for (const result of [https, fetched]) {
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.trim(), ECHOED);
    assert.doesNotMatch(result.stderr, /ignores NODE_USE_ENV_PROXY/);
  }
  assert.deepEqual(t.origin.seen.map((s) => [s.path, s.headers.authorization]), [
    ["/v1/node", BEARER],
    ["/v1/fetch", BEARER],
  ]);
});
