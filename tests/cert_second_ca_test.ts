/**
 * A provider on a domain the first CA's name constraints leave out works in
 * the very next run, with no `cert rotate`: a second CA, kept beside the
 * first and constrained to the user's own domains, certifies it, and the
 * run's CA bundle carries both (issue 18, point 5).
 */

import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { startOrigin } from "../scripts/fake_api.ts";
import { authsome, tempHome } from "./helpers/cli.ts";
import { client } from "./helpers/clients.ts";

const curl = client("curl", "fetches a provider on a new domain through the proxy");
const node = client(
  `${new URL("../.tools/node24/node_modules/.bin/node", import.meta.url).pathname}`,
  "checks that NODE_EXTRA_CA_CERTS names both CAs",
);

const KEY = "acme-secret-key";
const MASKED = "*".repeat(KEY.length);

const ACME = {
  name: "acme",
  display_name: "Acme",
  auth_type: "api_key",
  api_url: "api.acme.test",
  injection: { type: "header", name: "Authorization", prefix: "Bearer " },
  docs_url: "https://acme.example/docs",
};

Deno.test({
  name: "a provider on a new domain works in the next run, certified by a second CA",
  ignore: !curl,
}, async () => {
  await using home = await tempHome();
  // One origin a host: the fake API serves one certificate, for its first name.
  await using acme = await startOrigin(["api.acme.test"]);
  await using openai = await startOrigin(["api.openai.com"]);
  const run = (child: string[]) =>
    authsome([
      "run",
      ...acme.connectTo("api.acme.test"),
      ...openai.connectTo("api.openai.com"),
      ...["--upstream-ca", acme.caFile, "--upstream-ca", openai.caFile],
      "--",
      ...child,
    ], { home: home.path });
  // The first CA is made now, for the bundled providers only.
  assert.equal((await authsome(["cert", "path"], { home: home.path })).code, 0);
  const firstCa = await Deno.readTextFile(`${home.path}/ca/ca.pem`);
  await Deno.mkdir(`${home.path}/providers`);
  await Deno.writeTextFile(`${home.path}/providers/acme.json`, JSON.stringify(ACME));
  const login = await authsome(["login", "acme", "--key-stdin"], {
    home: home.path,
    stdin: KEY,
  });
  assert.equal(login.code, 0, login.stderr);
  const openaiLogin = await authsome(["login", "openai", "--key-stdin"], {
    home: home.path,
    stdin: "sk-test-0123456789abcdefghij",
  });
  assert.equal(openaiLogin.code, 0, openaiLogin.stderr);

  const first = await run([curl!, "-sS", "https://api.acme.test/v1/hello"]);
  assert.equal(first.code, 0, first.stderr);
  assert.deepEqual(acme.seen.map((s) => s.headers.authorization), [`Bearer ${KEY}`]);
  assert.equal(JSON.parse(first.stdout).headers.authorization, `Bearer ${MASKED}`, "echo masked");
  assert.match(
    first.stderr,
    /note: "acme\.test" \(provider "acme"\) is certified by authsome's second CA, for your own domains: programs started by authsome run trust it; browsers and OS trust stores need: authsome cert install/,
  );
  assert.doesNotMatch(first.stderr, /cert rotate|permitted subtree/);
  assert.equal(await Deno.readTextFile(`${home.path}/ca/ca.pem`), firstCa, "the first CA stays");
  const second = new X509Certificate(
    await Deno.readTextFile(`${home.path}/ca/user-domains/ca.pem`),
  );
  assert.match(second.subject, /authsome local CA/);

  // The next run reuses the second CA; bundled hosts still get the first CA's leaves.
  const again = await run([
    "sh",
    "-c",
    `${curl} -sS https://api.acme.test/a && ${curl} -sS -o /dev/null -w '%{http_code}' https://api.openai.com/b`,
  ]);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(
    await Deno.readTextFile(`${home.path}/ca/user-domains/ca.pem`),
    second.toString(),
    "not made again while it covers every domain",
  );

  if (node) {
    acme.seen.length = 0;
    const fetched = await run([
      node,
      "-e",
      "fetch('https://api.acme.test/n').then((r) => r.json()).then((b) => console.log(b.headers.authorization))",
    ]);
    assert.equal(fetched.code, 0, fetched.stderr);
    assert.deepEqual(acme.seen.map((s) => s.headers.authorization), [`Bearer ${KEY}`]);
    assert.equal(fetched.stdout, `Bearer ${MASKED}\n`, "echo masked");
  }
});
