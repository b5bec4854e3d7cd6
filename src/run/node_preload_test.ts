import assert from "node:assert/strict";
import { BYPASSED_JS, nodeOptions, nodePreloadSource } from "./node_preload.ts";

Deno.test("nodeOptions() keeps the user's options first and quotes the preload path", () => {
  const cases: [string | undefined, string, string][] = [
    [undefined, "/h/runs/r/node/preload.cjs", '--require "/h/runs/r/node/preload.cjs"'],
    ["", "/p.cjs", '--require "/p.cjs"'],
    [
      " --max-old-space-size=4096 ",
      "/p.cjs",
      '--max-old-space-size=4096 --require "/p.cjs"',
    ],
    ["--inspect", '/my home/"q"\\x.cjs', '--inspect --require "/my home/\\"q\\"\\\\x.cjs"'],
  ];
  for (const [parent, path, expected] of cases) {
    assert.equal(nodeOptions(parent, path), expected, `${parent} ${path}`);
  }
});

Deno.test("nodePreloadSource() routes https and warns only where Node needs it", () => {
  const cases: [string, Record<string, string>, boolean, boolean][] = [
    // version, env, agent installed, warned
    ["20.20.2", {}, false, false],
    ["20.20.2", { HTTPS_PROXY: "http://a:t@127.0.0.1:9" }, true, true],
    ["22.21.0", { HTTPS_PROXY: "http://a:t@127.0.0.1:9", NODE_USE_ENV_PROXY: "1" }, false, false],
    ["24.4.0", { https_proxy: "http://a:t@127.0.0.1:9", NODE_USE_ENV_PROXY: "1" }, true, false],
    ["24.21.0", { HTTPS_PROXY: "http://a:t@127.0.0.1:9", NODE_USE_ENV_PROXY: "1" }, false, false],
    ["24.21.0", { HTTPS_PROXY: "http://a:t@127.0.0.1:9" }, true, true],
  ];
  for (const [version, env, installs, warns] of cases) {
    const https = { Agent: class {}, globalAgent: undefined as unknown };
    const written: string[] = [];
    const modules: Record<string, unknown> = {
      https,
      net: {},
      tls: {},
      path: { join: (...parts: string[]) => parts.join("/") },
      fs: { openSync: () => 3, closeSync: () => {} },
    };
    const process = {
      env,
      version: `v${version}`,
      versions: { node: version },
      stderr: { write: (t: string) => written.push(t) },
    };
    new Function("process", "require", "__dirname", nodePreloadSource())(
      process,
      (name: string) => modules[name],
      "/run/node",
    );
    const label = `${version} ${JSON.stringify(env)}`;
    assert.equal(https.globalAgent !== undefined, installs, label);
    assert.equal(written.length, warns ? 1 : 0, label);
    if (warns) assert.match(written[0], new RegExp(`^authsome: warning: Node v${version} ignores`));
  }
});

Deno.test("the preload's bypassed() follows NO_PROXY like curl", () => {
  const bypassedWith = (noProxy: string) =>
    new Function("env", `${BYPASSED_JS}; return bypassed;`)({ NO_PROXY: noProxy }) as (
      host: string,
    ) => boolean;
  const run = bypassedWith("localhost,127.0.0.1,::1, .corp.example,*.svc,build:8080,[fd00::2]:443");
  const cases: [string, boolean][] = [
    ["localhost", true],
    ["LOCALHOST", true],
    ["127.0.0.1", true],
    ["::1", true],
    ["[::1]", true],
    ["fd00::2", true],
    ["corp.example", true],
    ["api.corp.example", true],
    ["a.svc", true],
    ["build", true],
    ["api.openai.com", false],
    ["notcorp.example", false],
    ["::2", false],
    ["127.0.0.10", false],
  ];
  for (const [host, expected] of cases) assert.equal(run(host), expected, host);
  assert.equal(bypassedWith("*")("api.openai.com"), true);
  assert.equal(bypassedWith("")("localhost"), false);
});
