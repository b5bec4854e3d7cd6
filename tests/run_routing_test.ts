import assert from "node:assert/strict";
import { authsome } from "./helpers/cli.ts";
import { client, pythonHas } from "./helpers/clients.ts";
import { CANARY, e2e, MASKED } from "./helpers/run.ts";

const curl = client("curl", "the proxy's main client");
const git = client("git", "git's 407 challenge through the proxy");
const python = client(
  "/usr/bin/python3",
  "Debian's python3 with certifi",
  (p) => pythonHas(p, "certifi"),
);

async function userProvider(
  home: string,
  name: string,
  extra: Record<string, unknown>,
): Promise<void> {
  await Deno.mkdir(`${home}/providers`, { recursive: true });
  await Deno.writeTextFile(
    `${home}/providers/${name}.json`,
    JSON.stringify({
      name,
      display_name: name,
      auth_type: "api_key",
      api_url: "api.openai.com",
      injection: { type: "header", name: "Authorization", prefix: "Bearer " },
      docs_url: "https://example.com",
      ...extra,
    }),
  );
}

Deno.test({
  name: "git through run answers the 407 challenge on the same connection",
  ignore: !git,
}, async () => {
  await using t = await e2e();
  const result = await t.run([git!, "ls-remote", "https://api.openai.com/acme/repo.git"], {
    env: { GIT_TERMINAL_PROMPT: "0", HOME: t.home },
  });
  const request = t.origin.seen.find((s) => s.path === "/acme/repo.git/info/refs");
  assert.ok(request, `git's request did not reach the origin: ${result.stderr}`);
  assert.equal(request.headers.authorization, `Bearer ${CANARY}`);
});

Deno.test({
  name: "a connection per run (--connection) and per request (X-Authsome-Connection)",
  ignore: !curl,
}, async () => {
  await using t = await e2e();
  const work = "sk-work-connection-0000000000";
  assert.equal(
    (await authsome(["login", "openai", "--key-stdin", "-c", "work"], {
      home: t.home,
      stdin: work,
    })).code,
    0,
  );
  // What the origin received last: the child sees the echoed key masked.
  const auth = () => t.origin.seen.at(-1)?.headers.authorization;
  await t.run([curl!, "-sS", "https://api.openai.com/"]);
  assert.equal(auth(), `Bearer ${CANARY}`);
  await t.run([curl!, "-sS", "https://api.openai.com/"], {
    flags: ["--connection", "openai=work"],
  });
  assert.equal(auth(), `Bearer ${work}`);
  const header = await t.run([
    curl!,
    "-sS",
    "-H",
    "X-Authsome-Connection: work",
    "https://api.openai.com/",
  ]);
  const seen = JSON.parse(header.stdout);
  assert.equal(auth(), `Bearer ${work}`);
  assert.ok(!("x-authsome-connection" in seen.headers), "the selector header is removed");
  const unknown = await t.run([
    curl!,
    "-s",
    "-w",
    " %{http_code}",
    "-H",
    "X-Authsome-Connection: nope",
    "https://api.openai.com/",
  ]);
  assert.match(
    unknown.stdout,
    /"error":"authsome_connection_not_found".*No connection \\"nope\\"[^]* 400$/,
  );
  const badFlag = await t.run(["true"], { flags: ["--connection", "openai=nope"] });
  assert.equal(badFlag.code, 3);
  assert.match(badFlag.stderr, /No connection "nope" for provider "openai"/);
});

Deno.test({
  name: "two providers claiming a host: nothing injected, one warning naming both",
  ignore: !curl,
}, async () => {
  await using t = await e2e();
  await userProvider(t.home, "openai-clone", {});
  assert.equal(
    (await authsome(["login", "openai-clone", "--key-stdin"], { home: t.home, stdin: "clone-key" }))
      .code,
    0,
  );
  const result = await t.run([
    "sh",
    "-c",
    `${curl} -sS -H 'Authorization: Bearer mine' https://api.openai.com/a; ${curl} -sS https://api.openai.com/b`,
  ]);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(t.origin.seen[0].headers.authorization, "Bearer mine");
  assert.equal(t.origin.seen[1].headers.authorization, undefined);
  const warnings = result.stderr.match(
    /ambiguous host match for api\.openai\.com: providers "openai" and "openai-clone" both match; nothing injected/g,
  );
  assert.equal(warnings?.length, 1);
});

Deno.test({
  name: "query parameter injection replaces the SDK's placeholder; the audit log keeps no query",
  ignore: !curl,
}, async () => {
  await using t = await e2e();
  await userProvider(t.home, "openai", { injection: { type: "query", name: "key" } });
  // The connection was sealed with the Bearer header: a file that sends the key elsewhere needs approval.
  const url = "https://api.openai.com/search?q=x&key=authsome-proxy-managed";
  const refused = await t.run([curl!, "-sS", "-o", "/dev/null", "-w", "%{http_code}", url]);
  assert.equal(refused.stdout, "403");
  assert.equal(t.origin.seen.length, 0, "nothing reaches the origin before approval");
  const approve = await authsome(["providers", "approve", "openai", "--yes"], { home: t.home });
  assert.equal(approve.code, 0, approve.stderr);
  assert.match(approve.stdout, /api\.openai\.com as query parameter key=\{api_key\}/);
  const result = await t.run([
    curl!,
    "-sS",
    "https://api.openai.com/search?q=x&key=authsome-proxy-managed",
  ]);
  assert.equal(t.origin.seen[0].query, `?q=x&key=${CANARY}`);
  assert.equal(JSON.parse(result.stdout).query, `?q=x&key=${MASKED}`, "the echo is masked");
  const log = await Deno.readTextFile(`${t.home}/audit.log`);
  assert.ok(!log.includes("q=x") && !log.includes(CANARY));
});

Deno.test(
  { name: "plain http:// requests are forwarded but never injected", ignore: !curl },
  async () => {
    await using t = await e2e();
    const seen: Record<string, string>[] = [];
    await using server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen: () => {} },
      (request) => {
        seen.push(Object.fromEntries(request.headers));
        return new Response("plain ok");
      },
    );
    const result = await t.run([curl!, "-sS", "http://api.openai.com/v1/plain"], {
      flags: ["--connect-to", `api.openai.com:80:127.0.0.1:${server.addr.port}`],
    });
    assert.equal(result.stdout, "plain ok");
    assert.equal(seen[0].authorization, undefined);
    assert.equal(seen[0]["proxy-authorization"], undefined);
  },
);

Deno.test({
  name:
    "Python clients that read certifi get the run's bundle; the user's sitecustomize still runs",
  ignore: !python,
}, async () => {
  await using t = await e2e();
  const userDir = `${t.home}/usersite`;
  await Deno.mkdir(userDir);
  await Deno.writeTextFile(
    `${userDir}/sitecustomize.py`,
    "import os\nos.environ['USER_SITECUSTOMIZE'] = 'ran'\n",
  );
  const script =
    "import certifi, os; print(certifi.where() == os.environ['SSL_CERT_FILE'], os.environ.get('USER_SITECUSTOMIZE'))";
  const result = await t.run([python!, "-c", script], { env: { PYTHONPATH: userDir } });
  assert.equal(result.stdout.trim(), "True ran", result.stderr);
});

Deno.test({ name: "authsome log shows the requests of past runs", ignore: !curl }, async () => {
  await using t = await e2e();
  await t.run([
    "sh",
    "-c",
    `${curl} -s https://api.openai.com/one >/dev/null; ${curl} -s -X POST -d x https://api.openai.com/two >/dev/null`,
  ]);
  const text = await authsome(["log"], { home: t.home });
  assert.match(text.stdout, /GET api\.openai\.com\/one {2}200 {2}openai\/default {2}injected/);
  const last = await authsome(["log", "-n", "1", "--json"], { home: t.home });
  const entries = last.stdout.trim().split("\n").map((l) => JSON.parse(l));
  assert.equal(entries.length, 1);
  assert.deepEqual([entries[0].method, entries[0].path, entries[0].bytes_up], ["POST", "/two", 1]);
  assert.equal((await authsome(["log", "-n", "x"], { home: t.home })).code, 2);
});

/** A minimal corporate proxy: answers CONNECT by tunnelling to `target`, recording what it was asked. */
function corporateProxy(targetPort: number) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const seen: { authority: string; auth: string | undefined }[] = [];
  const serve = (async () => {
    for await (const conn of listener) {
      (async () => {
        const buffer = new Uint8Array(8192);
        const n = await conn.read(buffer);
        const head = new TextDecoder().decode(buffer.subarray(0, n ?? 0));
        const authority = /^CONNECT (\S+) /.exec(head)?.[1] ?? "";
        seen.push({ authority, auth: /\r\nProxy-Authorization: ([^\r]+)/i.exec(head)?.[1] });
        const upstream = await Deno.connect({ hostname: "127.0.0.1", port: targetPort });
        await conn.write(new TextEncoder().encode("HTTP/1.1 200 Connection established\r\n\r\n"));
        await Promise.all([
          conn.readable.pipeTo(upstream.writable),
          upstream.readable.pipeTo(conn.writable),
        ]).catch(() => {});
      })().catch(() => conn.close());
    }
  })();
  return {
    url: `http://corp:s3cret@127.0.0.1:${(listener.addr as Deno.NetAddr).port}`,
    seen,
    [Symbol.asyncDispose]: async () => {
      listener.close();
      await serve.catch(() => {});
    },
  };
}

Deno.test({
  name:
    "an upstream proxy (--upstream, or the parent's HTTPS_PROXY) carries intercepted and tunnelled traffic; NO_PROXY is respected",
  ignore: !curl,
}, async () => {
  await using t = await e2e(["openai"]);
  await using corp = corporateProxy(t.origin.port);
  const viaFlag = await authsome([
    "run",
    "--upstream",
    corp.url,
    "--upstream-ca",
    t.origin.caFile,
    "--",
    curl!,
    "-sS",
    "https://api.openai.com/v1/corp",
  ], { home: t.home });
  assert.equal(viaFlag.code, 0, viaFlag.stderr);
  assert.equal(JSON.parse(viaFlag.stdout).headers.authorization, `Bearer ${MASKED}`);
  assert.equal(t.origin.seen[0].headers.authorization, `Bearer ${CANARY}`);
  assert.deepEqual(corp.seen[0], {
    authority: "api.openai.com:443",
    auth: `Basic ${btoa("corp:s3cret")}`,
  });
  const tunnelled = await authsome([
    "run",
    "--upstream",
    corp.url,
    "--",
    curl!,
    "-sS",
    // The origin's certificate names api.openai.com: -k, since only the route is under test here.
    "-k",
    "https://unrouted.example.com/x",
  ], {
    home: t.home,
  });
  assert.equal(tunnelled.code, 0, tunnelled.stderr);
  assert.equal(corp.seen[1].authority, "unrouted.example.com:443");
  const inherited = await authsome([
    "run",
    "--upstream-ca",
    t.origin.caFile,
    "--",
    curl!,
    "-sS",
    "https://api.openai.com/v1/env",
  ], {
    home: t.home,
    env: { HTTPS_PROXY: corp.url },
  });
  assert.equal(inherited.code, 0, inherited.stderr);
  assert.equal(corp.seen.length, 3);
  const exempt = await authsome([
    "run",
    ...t.origin.connectTo("api.openai.com"),
    "--upstream-ca",
    t.origin.caFile,
    "--",
    "sh",
    "-c",
    // The child inherits NO_PROXY too, so this client is told to use the proxy regardless.
    `${curl} -sS --noproxy '' -x "$HTTPS_PROXY" https://api.openai.com/v1/noproxy`,
  ], {
    home: t.home,
    env: { HTTPS_PROXY: corp.url, NO_PROXY: "openai.com" },
  });
  assert.equal(exempt.code, 0, exempt.stderr);
  assert.equal(corp.seen.length, 3, "NO_PROXY sends api.openai.com around the corporate proxy");
});

Deno.test({
  name: "an upstream proxy password outside Latin-1 reaches the proxy as UTF-8 Basic credentials",
  ignore: !curl,
}, async () => {
  await using t = await e2e(["openai"]);
  await using corp = corporateProxy(t.origin.port);
  const url = corp.url.replace("s3cret", encodeURIComponent("pässwörd密码"));
  const result = await authsome([
    "run",
    "--upstream",
    url,
    "--upstream-ca",
    t.origin.caFile,
    "--",
    curl!,
    "-sS",
    "https://api.openai.com/v1/corp",
  ], { home: t.home });
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(t.origin.seen.map((s) => [s.path, s.headers.authorization]), [
    ["/v1/corp", `Bearer ${CANARY}`],
  ]);
  assert.equal(JSON.parse(result.stdout).headers.authorization, `Bearer ${MASKED}`);
  const expected = new TextEncoder().encode("corp:pässwörd密码").toBase64();
  assert.equal(corp.seen[0].auth, `Basic ${expected}`);
});
