import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { authsome, authsomeCommand, ROOT, testEnv } from "./helpers/cli.ts";
import { client, pythonHas } from "./helpers/clients.ts";
import { pattern } from "../scripts/fake_api.ts";
import { CANARY, e2e, MASKED } from "./helpers/run.ts";

const PLACEHOLDER = "authsome-proxy-managed";
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const curl = client("curl", "the proxy's main client");
const python = client(
  "/usr/bin/python3",
  "Debian's python3 with requests and httpx",
  (p) => pythonHas(p, "requests", "httpx"),
);
const go = client("go", "Go's net/http through the proxy");
const node24 = client(
  `${ROOT}.tools/node24/node_modules/.bin/node`,
  "Node 24 for NODE_USE_ENV_PROXY (.ci/run installs it)",
);

function noCanary(...texts: string[]): void {
  for (const text of texts) {
    assert.ok(!text.includes(CANARY), "the canary key leaked into output");
    assert.ok(!text.includes(btoa(CANARY)), "the canary key leaked (base64) into output");
  }
}

Deno.test({
  name: "curl through run: the header is injected, the placeholder replaced",
  ignore: !curl,
}, async () => {
  await using t = await e2e();
  const result = await t.run([
    curl!,
    "-sS",
    "https://api.openai.com/v1/models?limit=2",
    "-H",
    "Authorization: Bearer sk-placeholder",
  ]);
  assert.equal(result.code, 0, result.stderr);
  const seen = JSON.parse(result.stdout);
  assert.equal(t.origin.seen[0].headers.authorization, `Bearer ${CANARY}`);
  assert.equal(seen.headers.authorization, `Bearer ${MASKED}`, "the echoed key is masked");
  assert.equal(seen.path, "/v1/models");
  assert.equal(seen.query, "?limit=2");
  assert.ok(!("proxy-authorization" in seen.headers));
  const log = await Deno.readTextFile(`${t.home}/audit.log`);
  const entry = JSON.parse(log.trim().split("\n").pop()!);
  assert.deepEqual(
    [
      entry.provider,
      entry.connection,
      entry.method,
      entry.host,
      entry.path,
      entry.status,
      entry.injected,
    ],
    ["openai", "default", "GET", "api.openai.com", "/v1/models", 200, true],
  );
  assert.ok(!log.includes("limit=2"), "no query string in the audit log");
  noCanary(result.stderr, log);
});

Deno.test({ name: "Python requests and httpx through run", ignore: !python }, async () => {
  await using t = await e2e();
  const script = `
import json, requests, httpx
a = requests.get("https://api.openai.com/v1/a").json()
b = httpx.get("https://api.openai.com/v1/b").json()
with httpx.Client() as c:
    d = c.post("https://api.openai.com/v1/d", json={"x": 1}).json()
print(json.dumps([a["headers"]["authorization"], b["headers"]["authorization"], d["headers"]["authorization"]]))
`;
  const result = await t.run([python!, "-c", script]);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(JSON.parse(result.stdout), Array(3).fill(`Bearer ${MASKED}`));
  assert.deepEqual(
    t.origin.seen.map((s) => s.headers.authorization),
    Array(3).fill(`Bearer ${CANARY}`),
  );
});

Deno.test(
  { name: "Node 24 fetch with NODE_USE_ENV_PROXY through run", ignore: !node24 },
  async () => {
    await using t = await e2e();
    const script =
      `const r = await fetch("https://api.openai.com/v1/node"); console.log((await r.json()).headers.authorization)`;
    const result = await t.run([node24!, "--input-type=module", "-e", script]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.trim(), `Bearer ${MASKED}`);
    assert.equal(t.origin.seen[0].headers.authorization, `Bearer ${CANARY}`);
    assert.doesNotMatch(result.stderr, /ignores NODE_USE_ENV_PROXY/);
  },
);

Deno.test({ name: "Go net/http through run", ignore: !go }, async () => {
  await using t = await e2e();
  const cache = await Deno.makeTempDir({ prefix: "authsome-go-" });
  try {
    const result = await t.run([go!, "run", fixture("go_client.go")], {
      env: {
        HOME: cache,
        GOCACHE: `${cache}/cache`,
        GOPATH: `${cache}/path`,
        GOFLAGS: "-mod=mod",
        GO111MODULE: "off",
      },
    });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(JSON.parse(result.stdout).headers.authorization, `Bearer ${MASKED}`);
    assert.equal(t.origin.seen[0].headers.authorization, `Bearer ${CANARY}`);
  } finally {
    await Deno.remove(cache, { recursive: true });
  }
});

Deno.test("Deno fetch through run", async () => {
  await using t = await e2e();
  const script =
    `const r = await fetch("https://api.openai.com/v1/deno"); console.log((await r.json()).headers.authorization)`;
  const result = await t.run([Deno.execPath(), "eval", script]);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout.trim(), `Bearer ${MASKED}`);
  assert.equal(t.origin.seen[0].headers.authorization, `Bearer ${CANARY}`);
});

Deno.test("the child's environment and /proc/PID/environ hold only placeholders", async () => {
  await using t = await e2e();
  const result = await t.run(["sh", "-c", "tr '\\0' '\\n' < /proc/$$/environ"], {
    env: { MY_COPY_OF_KEY: CANARY, AUTHSOME_PASSPHRASE: "hunter2-passphrase" },
  });
  assert.equal(result.code, 0, result.stderr);
  const env = Object.fromEntries(
    result.stdout.trim().split("\n").map((
      l,
    ) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
  );
  assert.equal(env.OPENAI_API_KEY, PLACEHOLDER);
  assert.equal(env.MY_COPY_OF_KEY, PLACEHOLDER);
  assert.ok(!("AUTHSOME_PASSPHRASE" in env));
  assert.match(env.HTTPS_PROXY, /^http:\/\/authsome:[0-9a-f]{32}@127\.0\.0\.1:\d+$/);
  assert.equal(env.https_proxy, env.HTTPS_PROXY);
  assert.equal(env.NODE_USE_ENV_PROXY, "1");
  assert.match(env.NO_PROXY, /localhost,127\.0\.0\.1,::1/);
  assert.match(env.SSL_CERT_FILE, /ca-bundle\.pem$/);
  assert.match(env.NODE_EXTRA_CA_CERTS, /ca\/ca\.pem$/);
  noCanary(result.stdout, result.stderr);
});

Deno.test({
  name: "an unmatched host is tunnelled blind: the client sees the origin's own certificate",
  ignore: !curl,
}, async () => {
  await using t = await e2e(["anthropic"]);
  const result = await t.run([
    curl!,
    "-sS",
    "--cacert",
    t.origin.caFile,
    "https://api.openai.com/v1/x",
    "-H",
    "Authorization: Bearer mine",
  ]);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(JSON.parse(result.stdout).headers.authorization, "Bearer mine");
  const denied = await t.run([
    curl!,
    "-sS",
    "-o",
    "/dev/null",
    "-w",
    "%{http_code}",
    "https://api.openai.com/",
  ], { flags: ["--deny-unmatched"] });
  assert.notEqual(denied.code, 0);
  assert.match(denied.stderr, /403|CONNECT/);
  assert.match(denied.stderr, /refused CONNECT to api\.openai\.com:443/);
});

Deno.test({
  name: "an intercepted host presents authsome's certificate, not the origin's",
  ignore: !curl,
}, async () => {
  await using t = await e2e();
  const result = await t.run([
    curl!,
    "-sS",
    "--cacert",
    t.origin.caFile,
    "https://api.openai.com/",
  ]);
  assert.notEqual(result.code, 0, "the origin's CA alone must not verify authsome's leaf");
});

Deno.test({
  name: "1 MiB uploads and downloads and gzip bodies arrive byte for byte",
  ignore: !curl,
}, async () => {
  await using t = await e2e();
  const dir = await Deno.makeTempDir();
  try {
    const upload = pattern(1024 * 1024 + 17);
    await Deno.writeFile(`${dir}/up.bin`, upload);
    const result = await t.run([
      "sh",
      "-c",
      [
        `${curl} -sS --data-binary @${dir}/up.bin -H 'Content-Type: application/octet-stream' https://api.openai.com/upload > ${dir}/up.json`,
        `${curl} -sS -T ${dir}/up.bin -H 'Transfer-Encoding: chunked' https://api.openai.com/chunked > ${dir}/chunked.json`,
        `${curl} -sS https://api.openai.com/bytes/1048576 -o ${dir}/down.bin`,
        `${curl} -sS -D ${dir}/gz.headers https://api.openai.com/gzip -o ${dir}/gz.bin`,
      ].join(" && "),
    ]);
    assert.equal(result.code, 0, result.stderr);
    const digest = async (bytes: Uint8Array<ArrayBuffer>) =>
      [...new Uint8Array(await crypto.subtle.digest("SHA-256", bytes))].map((b) =>
        b.toString(16).padStart(2, "0")
      ).join("");
    const up = JSON.parse(await Deno.readTextFile(`${dir}/up.json`));
    assert.equal(up.bodyLength, upload.length);
    assert.equal(up.bodySha256, await digest(upload));
    const chunked = JSON.parse(await Deno.readTextFile(`${dir}/chunked.json`));
    assert.equal(chunked.bodySha256, await digest(upload));
    assert.deepEqual(await Deno.readFile(`${dir}/down.bin`), pattern(1048576));
    assert.match(await Deno.readTextFile(`${dir}/gz.headers`), /content-encoding: gzip/i);
    const gunzipped = new Uint8Array(
      await new Response(
        new Blob([await Deno.readFile(`${dir}/gz.bin`)]).stream().pipeThrough(
          new DecompressionStream("gzip"),
        ),
      ).arrayBuffer(),
    );
    assert.deepEqual(gunzipped, pattern(100_000));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test(
  { name: "keep-alive connections are reused through the proxy", ignore: !curl },
  async () => {
    await using t = await e2e();
    const urls = [
      "https://api.openai.com/1",
      "https://api.openai.com/2",
      "https://api.openai.com/3",
    ];
    const result = await t.run([curl!, "-sv", ...urls]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal((result.stderr.match(/Re-using existing connection/g) ?? []).length, 2);
    assert.deepEqual(
      t.origin.seen.map((s) => s.headers.authorization),
      Array(3).fill(`Bearer ${CANARY}`),
    );
  },
);

Deno.test("server-sent events arrive event by event", async () => {
  await using t = await e2e();
  const result = await t.run([Deno.execPath(), "run", "-A", fixture("sse_client.ts")]);
  assert.equal(result.code, 0, result.stderr);
  const events = result.stdout.trim().split("\n").map((l) => JSON.parse(l));
  assert.deepEqual(events.map((e) => e.i), [0, 1, 2, 3]);
  for (const event of events) {
    assert.ok(event.lag < 300, `event ${event.i} arrived ${event.lag} ms after it was sent`);
  }
});

Deno.test("a WebSocket upgrade carries the injected header, then relays frames with the key masked", async () => {
  await using t = await e2e();
  const result = await t.run([Deno.execPath(), "run", "-A", fixture("ws_client.ts")]);
  assert.equal(result.code, 0, result.stderr);
  const [status, frame] = result.stdout.trim().split("\n");
  assert.match(status, /^HTTP\/1\.1 101/);
  assert.equal(t.origin.seen.at(-1)?.headers.authorization, `Bearer ${CANARY}`);
  // The origin echoed the key in a frame: the child gets it masked, the frame still valid.
  assert.equal(JSON.parse(frame).authorization, `Bearer ${"*".repeat(CANARY.length)}`);
});

Deno.test({
  name: "407 without the token, 421 on a Host mismatch, 502 on a dead upstream",
  ignore: !curl,
}, async () => {
  await using t = await e2e();
  const code = (args: string) => `${curl} -s -o /dev/null -w '%{http_code} ' ${args}`;
  const script = [
    code(`-x "http://127.0.0.1:\${HTTPS_PROXY##*@}" https://api.openai.com/`),
    code(`-x "http://authsome:wrong@\${HTTPS_PROXY##*@}" https://api.openai.com/`),
    code(`-H 'Host: evil.example.com' https://api.openai.com/`),
  ].join("; ");
  const result = await t.run(["sh", "-c", script]);
  assert.equal(result.stdout.trim(), "000 000 421");
  const dead = await authsome([
    "run",
    "--connect-to",
    "api.openai.com:443:127.0.0.1:1",
    "--",
    "sh",
    "-c",
    `${curl} -s -w ' %{http_code}' https://api.openai.com/`,
  ], { home: t.home });
  assert.match(
    dead.stdout,
    /\{"error":"authsome_upstream","message":"connection refused by api\.openai\.com:443"\}\n 502$/,
  );
  assert.equal(t.origin.seen.length, 0, "nothing reached the origin");
});

Deno.test({
  name: "the 407 challenge names Basic realm authsome and the retry on the same connection works",
  ignore: !curl,
}, async () => {
  await using t = await e2e();
  const result = await t.run([
    "sh",
    "-c",
    `${curl} -sv --proxy-anyauth -x "$HTTPS_PROXY" https://api.openai.com/anyauth`,
  ]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /Proxy-Authenticate: Basic realm="authsome"/i);
  assert.equal(JSON.parse(result.stdout).headers.authorization, `Bearer ${MASKED}`);
  assert.equal(t.origin.seen[0].headers.authorization, `Bearer ${CANARY}`);
});

Deno.test("exit codes and signals pass through", async () => {
  await using t = await e2e();
  assert.equal((await t.run(["sh", "-c", "exit 7"])).code, 7);
  assert.equal((await t.run(["sh", "-c", "kill -TERM $$"])).code, 143);
  const missing = await t.run(["definitely-not-a-command-xyz"]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /Command not found: "definitely-not-a-command-xyz"/);
  for (const [signal, code] of [["SIGTERM", 42], ["SIGINT", 43], ["SIGHUP", 44]] as const) {
    const [cmd, args] = authsomeCommand([
      "run",
      "--",
      "sh",
      "-c",
      `trap 'exit ${code}' ${signal.slice(3)}; echo ready; while :; do sleep 0.1; done`,
    ]);
    const child = new Deno.Command(cmd, {
      args,
      env: testEnv(t.home),
      stdin: "null",
      stdout: "piped",
      stderr: "null",
    }).spawn();
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    assert.equal((await reader.read()).value, "ready\n");
    child.kill(signal);
    assert.equal((await child.status).code, code, `${signal} reaches the child`);
    await reader.cancel();
  }
  assert.deepEqual(
    [...Deno.readDirSync(`${t.home}/runs`)],
    [],
    "the run's temporary files are removed",
  );
});
