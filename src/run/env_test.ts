import assert from "node:assert/strict";
import { applyEnvChanges, childEnvChanges, type ChildEnvInput, PLACEHOLDER } from "./env.ts";

const input: ChildEnvInput = {
  parent: {
    PATH: "/usr/bin",
    NO_PROXY: "internal.corp",
    no_proxy: "build.local,internal.corp",
    OPENAI_API_KEY: "sk-real",
    MY_COPY: "sk-real",
    AUTHSOME_PASSPHRASE: "pw",
    AUTHSOME_MASTER_KEY: "mk",
    PYTHONPATH: "/opt/lib",
    HTTPS_PROXY: "http://corp:3128",
  },
  proxyUrl: "http://authsome:t0k@127.0.0.1:4000",
  caPath: "/h/ca/ca.pem",
  bundlePath: "/h/runs/r/bundle.pem",
  pythonDir: "/h/runs/r/python",
  nodePreload: "/h/runs/r/node/preload.cjs",
  wgetrc: "/h/runs/r/wgetrc",
  placeholders: ["OPENAI_API_KEY", "GITHUB_TOKEN"],
  secrets: ["sk-real", "ghu_x", ""],
};

Deno.test("childEnvChanges() points every client at the proxy and the CA", () => {
  const env = applyEnvChanges(input.parent, childEnvChanges(input));
  for (const name of ["HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"]) {
    assert.equal(env[name], input.proxyUrl);
  }
  assert.equal(env.NO_PROXY, "internal.corp,build.local,localhost,127.0.0.1,::1");
  assert.equal(env.no_proxy, env.NO_PROXY);
  assert.equal(env.NODE_USE_ENV_PROXY, "1");
  assert.equal(env.NODE_EXTRA_CA_CERTS, "/h/ca/ca.pem");
  assert.equal(env.DENO_CERT, "/h/ca/ca.pem");
  for (
    const name of [
      "SSL_CERT_FILE",
      "REQUESTS_CA_BUNDLE",
      "CURL_CA_BUNDLE",
      "GIT_SSL_CAINFO",
      "AWS_CA_BUNDLE",
      "PIP_CERT",
      "CARGO_HTTP_CAINFO",
    ]
  ) {
    assert.equal(env[name], "/h/runs/r/bundle.pem", name);
  }
  assert.equal(env.PYTHONPATH, "/h/runs/r/python:/opt/lib");
  assert.equal(env.NODE_OPTIONS, `--require "/h/runs/r/node/preload.cjs"`);
  assert.equal(env.WGETRC, "/h/runs/r/wgetrc");
  assert.equal(env.PATH, "/usr/bin");
});

Deno.test("childEnvChanges() leaves no secret and no vault key in the environment", () => {
  const env = applyEnvChanges(input.parent, childEnvChanges(input));
  assert.equal(env.OPENAI_API_KEY, PLACEHOLDER);
  assert.equal(env.GITHUB_TOKEN, PLACEHOLDER);
  assert.equal(env.MY_COPY, PLACEHOLDER);
  assert.ok(!("AUTHSOME_PASSPHRASE" in env));
  assert.ok(!("AUTHSOME_MASTER_KEY" in env));
  for (const value of Object.values(env)) assert.ok(!value.includes("sk-real"));
});

Deno.test("childEnvChanges() says why it changes each variable", () => {
  const changes = childEnvChanges(input);
  assert.ok(changes.every((c) => c.why.length > 0));
  assert.equal(changes.filter((c) => c.name === "OPENAI_API_KEY").length, 1);
});

Deno.test("childEnvChanges() hides the D-Bus session bus from a sandboxed child only", () => {
  const parent = { ...input.parent, DBUS_SESSION_BUS_ADDRESS: "unix:path=/run/user/1/bus" };
  const open = applyEnvChanges(parent, childEnvChanges({ ...input, parent }));
  assert.equal(open.DBUS_SESSION_BUS_ADDRESS, "unix:path=/run/user/1/bus");
  const sandboxed = applyEnvChanges(parent, childEnvChanges({ ...input, parent, sandboxed: true }));
  assert.ok(!("DBUS_SESSION_BUS_ADDRESS" in sandboxed));
});
