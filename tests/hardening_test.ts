import assert from "node:assert/strict";
import { authsome, tempHome } from "./helpers/cli.ts";
import { liveProxy, readUntilClose, tunnelTls } from "./helpers/live_proxy.ts";
import { CANARY, e2e, MASKED } from "./helpers/run.ts";
import { scale } from "./helpers/scale.ts";

const IDLE = scale(1000, 3000);
const CONNECTIONS = scale(200, 200);
const PER_CONNECTION = scale(5, 50);

const enc = new TextEncoder();

/** The smuggling corpus: each row must get its status and a closed connection, and never reach the origin. */
export const SMUGGLING: readonly (readonly [string, number, string])[] = [
  [
    "CL.TE",
    400,
    "POST / HTTP/1.1\r\nHost: api.openai.com\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nG",
  ],
  [
    "TE.CL",
    400,
    "POST / HTTP/1.1\r\nHost: api.openai.com\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n8\r\nSMUGGLED\r\n0\r\n\r\n",
  ],
  [
    "TE.TE duplicate",
    400,
    "POST / HTTP/1.1\r\nHost: api.openai.com\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: x\r\n\r\n0\r\n\r\n",
  ],
  [
    "TE obfuscated",
    400,
    "POST / HTTP/1.1\r\nHost: api.openai.com\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n",
  ],
  [
    "TE list",
    400,
    "POST / HTTP/1.1\r\nHost: api.openai.com\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n",
  ],
  [
    "space before colon",
    400,
    "POST / HTTP/1.1\r\nHost: api.openai.com\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n",
  ],
  [
    "duplicate CL",
    400,
    "POST / HTTP/1.1\r\nHost: api.openai.com\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
  ],
  ["CL list", 400, "POST / HTTP/1.1\r\nHost: api.openai.com\r\nContent-Length: 3, 4\r\n\r\nabcd"],
  ["CL plus sign", 400, "POST / HTTP/1.1\r\nHost: api.openai.com\r\nContent-Length: +3\r\n\r\nabc"],
  ["NUL in value", 400, "GET / HTTP/1.1\r\nHost: api.openai.com\r\nX-A: a\0b\r\n\r\n"],
  ["control byte in name", 400, "GET / HTTP/1.1\r\nHost: api.openai.com\r\nX\x01A: b\r\n\r\n"],
  ["obs-fold", 400, "GET / HTTP/1.1\r\nHost: api.openai.com\r\nX-A: a\r\n b\r\n\r\n"],
  ["bare LF", 400, "GET / HTTP/1.1\nHost: api.openai.com\n\n"],
  [
    "chunk size overflow",
    400,
    "POST / HTTP/1.1\r\nHost: api.openai.com\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n",
  ],
  [
    "chunk size 0x",
    400,
    "POST / HTTP/1.1\r\nHost: api.openai.com\r\nTransfer-Encoding: chunked\r\n\r\n0x5\r\nabcde\r\n0\r\n\r\n",
  ],
  [
    "over-long header",
    431,
    `GET / HTTP/1.1\r\nHost: api.openai.com\r\nX-Big: ${"a".repeat(70_000)}\r\n\r\n`,
  ],
  [
    "over-long request line",
    431,
    `GET /${"a".repeat(9000)} HTTP/1.1\r\nHost: api.openai.com\r\n\r\n`,
  ],
  ["two Host headers", 400, "GET / HTTP/1.1\r\nHost: api.openai.com\r\nHost: evil.com\r\n\r\n"],
];

Deno.test("every request-smuggling attempt gets its 400 or 431 and a closed connection, and none reaches the origin", async () => {
  await using t = await e2e();
  await using proxy = await liveProxy(t.home, [
    ...t.origin.connectTo("api.openai.com"),
    "--upstream-ca",
    t.origin.caFile,
  ]);
  for (const [name, status, raw] of SMUGGLING) {
    const conn = await tunnelTls(proxy);
    await conn.write(enc.encode(raw)).catch(() => {});
    const answer = await readUntilClose(conn);
    conn.close();
    assert.match(answer, new RegExp(`^HTTP/1\\.1 ${status} `), `${name}: ${answer.slice(0, 80)}`);
    assert.match(answer, /Connection: close/i, name);
  }
  const chunkedOk = await tunnelTls(proxy);
  await chunkedOk.write(enc.encode(
    "POST /ok HTTP/1.1\r\nHost: api.openai.com\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n0\r\nX-Trailer: t\r\n\r\n",
  ));
  assert.match(await readUntilClose(chunkedOk, "}"), /^HTTP\/1\.1 200/);
  chunkedOk.close();
  assert.deepEqual(
    t.origin.seen.map((s) => [s.path, s.bodyLength]),
    [["/ok", 3]],
    "only the valid request arrived",
  );
});

Deno.test("a client that stalls mid-head is cut off; an idle keep-alive connection is closed", async () => {
  await using t = await e2e();
  await using proxy = await liveProxy(t.home, [
    ...t.origin.connectTo("api.openai.com"),
    "--upstream-ca",
    t.origin.caFile,
  ], {
    AUTHSOME_HEADER_TIMEOUT_MS: "300",
    AUTHSOME_IDLE_TIMEOUT_MS: "600",
  });
  const slow = await tunnelTls(proxy);
  await slow.write(enc.encode("GET / HTTP/1.1\r\nHost: api.op"));
  const started = Date.now();
  assert.match(await readUntilClose(slow), /^HTTP\/1\.1 400 /);
  assert.ok(Date.now() - started < 5_000);
  slow.close();
  const idle = await tunnelTls(proxy);
  await idle.write(enc.encode("GET / HTTP/1.1\r\nHost: api.openai.com\r\n\r\n"));
  const text = await readUntilClose(idle);
  assert.match(text, /^HTTP\/1\.1 200/);
  idle.close();
});

Deno.test(`${IDLE} idle connections neither grow memory without bound nor stop a new client being served`, async () => {
  await using t = await e2e();
  await using proxy = await liveProxy(t.home, [
    ...t.origin.connectTo("api.openai.com"),
    "--upstream-ca",
    t.origin.caFile,
  ]);
  const rss = () =>
    Number(/VmRSS:\s+(\d+)/.exec(Deno.readTextFileSync(`/proc/${proxy.pid}/status`))![1]) * 1024;
  const before = rss();
  const idle: Deno.Conn[] = [];
  for (let i = 0; i < IDLE; i++) {
    idle.push(await Deno.connect({ hostname: "127.0.0.1", port: Number(proxy.url.port) }));
  }
  await new Promise((r) => setTimeout(r, 500));
  const during = rss();
  const conn = await tunnelTls(proxy);
  await conn.write(
    enc.encode("GET /alive HTTP/1.1\r\nHost: api.openai.com\r\nConnection: close\r\n\r\n"),
  );
  assert.match(await readUntilClose(conn), /^HTTP\/1\.1 200/);
  conn.close();
  for (const c of idle) c.close();
  const grown = (during - before) / 1e6;
  // deno-lint-ignore no-console
  console.error(
    `${IDLE} idle connections: RSS ${(before / 1e6).toFixed(1)} MB → ${
      (during / 1e6).toFixed(1)
    } MB`,
  );
  assert.ok(grown < IDLE / 10, `RSS grew ${grown.toFixed(1)} MB for ${IDLE} idle connections`);
});

Deno.test("upstream faults get a 502 with a JSON body and the proxy keeps serving", async () => {
  await using t = await e2e();
  const garbage = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const served = (async () => {
    for await (const conn of garbage) {
      await conn.write(enc.encode("this is not TLS\r\n")).catch(() => {});
      conn.close();
    }
  })();
  try {
    const cases: [string, string[], RegExp][] = [
      ["refused", ["--connect-to", "api.openai.com:443:127.0.0.1:1"], /connection refused/],
      [
        "upstream proxy refused",
        ["--upstream", "http://127.0.0.1:1"],
        /^upstream proxy: connection refused by 127\.0\.0\.1:1$/,
      ],
      ["not TLS", [
        "--connect-to",
        `api.openai.com:443:127.0.0.1:${(garbage.addr as Deno.NetAddr).port}`,
      ], /TLS|reach/],
      ["untrusted certificate", t.origin.connectTo("api.openai.com"), /TLS verification failed/],
      [
        "DNS",
        ["--connect-to", "api.openai.com:443:no-such-host.invalid:443"],
        /cannot resolve|cannot reach/,
      ],
    ];
    for (const [name, flags, message] of cases) {
      await using proxy = await liveProxy(t.home, flags);
      const conn = await tunnelTls(proxy);
      await conn.write(enc.encode("GET / HTTP/1.1\r\nHost: api.openai.com\r\n\r\n"));
      const answer = await readUntilClose(conn);
      conn.close();
      assert.match(answer, /^HTTP\/1\.1 502 /, name);
      const body = JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4));
      assert.equal(body.error, "authsome_upstream", name);
      assert.match(body.message, message, name);
      const again = await tunnelTls(proxy);
      await again.write(enc.encode("GET / HTTP/1.1\r\nHost: api.openai.com\r\n\r\n"));
      assert.match(await readUntilClose(again), /^HTTP\/1\.1 502 /, `${name}: still serving`);
      again.close();
      assert.ok(!proxy.stderr().includes(CANARY));
    }
  } finally {
    garbage.close();
    await served.catch(() => {});
  }
});

Deno.test("clients that vanish mid-upload or mid-download do not disturb the others", async () => {
  await using t = await e2e();
  await using proxy = await liveProxy(t.home, [
    ...t.origin.connectTo("api.openai.com"),
    "--upstream-ca",
    t.origin.caFile,
  ]);
  const upload = await tunnelTls(proxy);
  await upload.write(
    enc.encode(
      `POST /up HTTP/1.1\r\nHost: api.openai.com\r\nContent-Length: ${1 << 20}\r\n\r\n${
        "x".repeat(1000)
      }`,
    ),
  );
  upload.close();
  const download = await tunnelTls(proxy);
  await download.write(
    enc.encode(`GET /bytes/${8 << 20} HTTP/1.1\r\nHost: api.openai.com\r\n\r\n`),
  );
  await download.read(new Uint8Array(1000));
  download.close();
  const ok = await tunnelTls(proxy);
  await ok.write(
    enc.encode("GET /after HTTP/1.1\r\nHost: api.openai.com\r\nConnection: close\r\n\r\n"),
  );
  const text = await readUntilClose(ok);
  ok.close();
  assert.match(text, /^HTTP\/1\.1 200/);
  assert.equal(
    JSON.parse(text.slice(text.indexOf("\r\n\r\n") + 4)).headers.authorization,
    `Bearer ${MASKED}`,
  );
  assert.equal(t.origin.seen.at(-1)?.headers.authorization, `Bearer ${CANARY}`);
});

Deno.test(`${CONNECTIONS} concurrent keep-alive connections × ${PER_CONNECTION} requests: every one injected and answered`, async () => {
  await using t = await e2e();
  await using proxy = await liveProxy(t.home, [
    ...t.origin.connectTo("api.openai.com"),
    "--upstream-ca",
    t.origin.caFile,
  ]);
  const perConnection = PER_CONNECTION;
  const conns = await Promise.all(Array.from({ length: CONNECTIONS }, () => tunnelTls(proxy)));
  const answers = await Promise.all(conns.map(async (conn, i) => {
    let ok = 0;
    for (let j = 0; j < perConnection; j++) {
      const close = j === perConnection - 1 ? "Connection: close\r\n" : "";
      await conn.write(
        enc.encode(`GET /load/${i}/${j} HTTP/1.1\r\nHost: api.openai.com\r\n${close}\r\n`),
      );
      const text = await readUntilClose(conn, j === perConnection - 1 ? undefined : "}");
      if (text.startsWith("HTTP/1.1 200") && text.includes(`"authorization":"Bearer ${MASKED}"`)) {
        ok++;
      }
    }
    conn.close();
    return ok;
  }));
  const hwm =
    Number(/VmHWM:\s+(\d+)/.exec(Deno.readTextFileSync(`/proc/${proxy.pid}/status`))![1]) * 1024;
  // deno-lint-ignore no-console
  console.error(
    `${CONNECTIONS} connections × ${perConnection} requests: proxy peak RSS ${
      (hwm / 1e6).toFixed(1)
    } MB`,
  );
  assert.equal(answers.reduce((a, b) => a + b, 0), CONNECTIONS * perConnection);
  assert.equal(t.origin.seen.length, CONNECTIONS * perConnection);
  assert.ok(t.origin.seen.every((s) => s.headers.authorization === `Bearer ${CANARY}`));
});

Deno.test("a write that fails on a full disk says so, exits 5, and leaves the vault as it was", async () => {
  if (Deno.uid() !== 0) {
    if (Deno.env.get("AUTHSOME_REQUIRE_CLIENTS") === "1") {
      throw new Error("CI requires root to mount a small tmpfs");
    }
    // deno-lint-ignore no-console
    console.error("skip: mounting a small tmpfs needs root");
    return;
  }
  await using home = await tempHome();
  const mount = `${home.path}/small`;
  await Deno.mkdir(mount);
  const run = (args: string[]) => new Deno.Command(args[0], { args: args.slice(1) }).outputSync();
  assert.ok(
    run(["mount", "-t", "tmpfs", "-o", "size=64k,mode=0700", "tmpfs", mount]).success,
    "mount tmpfs",
  );
  try {
    assert.equal(
      (await authsome(["login", "openai", "--key-stdin"], { home: mount, stdin: CANARY })).code,
      0,
    );
    const before = await Deno.readTextFile(`${mount}/vault.json`);
    const fillers: string[] = [];
    for (let i = 0; i < 64; i++) {
      const path = `${mount}/filler-${i}`;
      if (!(await Deno.writeFile(path, new Uint8Array(4096)).then(() => true, () => false))) break;
      fillers.push(path);
    }
    for (const path of fillers.slice(-2)) await Deno.remove(path);
    const big = "sk-" + "x".repeat(40_000);
    const result = await authsome(["login", "openai", "--key-stdin", "-c", "big"], {
      home: mount,
      stdin: big,
    });
    assert.equal(result.code, 5, result.stderr);
    assert.match(result.stderr, /Cannot write the vault[^]*Nothing was changed/);
    assert.equal(await Deno.readTextFile(`${mount}/vault.json`), before);
    assert.equal((await authsome(["list"], { home: mount })).code, 0);
  } finally {
    run(["umount", mount]);
  }
});
