/**
 * `authsome cert` from the command line: path and export, status, the dry-run
 * plans of macOS and Windows line by line, usage errors, doctor's CA checks,
 * the rotate warning for a provider added after the CA, and the CA page at
 * http://authsome.local/ through a run.
 */

import assert from "node:assert/strict";
import { createHash, X509Certificate } from "node:crypto";
import { authsome, tempHome } from "./helpers/cli.ts";
import { client } from "./helpers/clients.ts";
import { e2e } from "./helpers/run.ts";

const curl = client("curl", "fetches the CA page through the proxy");

/** The CA's name in stores and its SHA-1, as the plans print them. */
async function caNames(home: string): Promise<{ path: string; name: string; sha1: string }> {
  const path = `${home}/ca/ca.pem`;
  const der = new Uint8Array(new X509Certificate(await Deno.readTextFile(path)).raw);
  const hex = (algorithm: string) => createHash(algorithm).update(der).digest("hex");
  return { path, name: `authsome-${hex("sha256").slice(0, 16)}`, sha1: hex("sha1").toUpperCase() };
}

Deno.test("cert path makes the CA on first use; cert export writes PEM and DER", async () => {
  await using home = await tempHome();
  const path = await authsome(["cert", "path"], { home: home.path });
  assert.equal(path.code, 0, path.stderr);
  assert.equal(path.stdout, `${home.path}/ca/ca.pem\n`);
  const pem = await Deno.readTextFile(`${home.path}/ca/ca.pem`);
  assert.equal((await authsome(["cert", "path"], { home: home.path })).stdout, path.stdout);
  const exported = await authsome(["cert", "export"], { home: home.path });
  assert.equal(exported.stdout, pem);
  const file = `${home.path}/out.der`;
  const der = await authsome(["cert", "export", "--format", "der", "-o", file], {
    home: home.path,
  });
  assert.equal(der.code, 0, der.stderr);
  assert.equal(der.stdout, "");
  assert.deepEqual(await Deno.readFile(file), new Uint8Array(new X509Certificate(pem).raw));
  const bad = await authsome(["cert", "export", "--format", "p12"], { home: home.path });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /Unknown format "p12"/);
  const cert = new X509Certificate(pem);
  assert.match(cert.subject, /^O=authsome\nCN=authsome local CA \([^@]+@[^)]+\)$/);
});

Deno.test("cert status: exit 3 without a CA, then the CA, its constraints and the stores", async () => {
  await using home = await tempHome();
  const none = await authsome(["cert", "status"], { home: home.path });
  assert.equal(none.code, 3);
  assert.match(none.stderr, /There is no local CA yet/);
  await authsome(["cert", "path"], { home: home.path });
  const status = await authsome(["cert", "status", "--json"], { home: home.path });
  const report = JSON.parse(status.stdout);
  assert.equal(report.ca.path, `${home.path}/ca/ca.pem`);
  assert.ok(report.ca.name_constraints.dns.includes("openai.com"));
  assert.ok(report.ca.name_constraints.dns.includes("googleapis.com"));
  assert.deepEqual(report.ca.name_constraints.ip, []);
  assert.deepEqual(report.ca.uncovered, []);
  assert.equal(status.code, report.trusted_everywhere ? 0 : 1);
  for (const store of report.stores) assert.equal(typeof store.trusted, "boolean");
  const text = await authsome(["cert", "status"], { home: home.path });
  assert.match(text.stdout, /permits +DNS names under \d+ domain\(s\)/);
});

Deno.test("cert install --dry-run --platform macos prints the keychain commands", async () => {
  await using home = await tempHome();
  await authsome(["cert", "path"], { home: home.path });
  const { path, name: _name, sha1 } = await caNames(home.path);
  const env = { HOME: "/Users/alice" };
  const install = await authsome(["cert", "install", "--dry-run", "--platform", "macos"], {
    home: home.path,
    env,
  });
  assert.equal(install.code, 0, install.stderr);
  assert.deepEqual(install.stdout.split("\n"), [
    "# macOS login keychain /Users/alice/Library/Keychains/login.keychain-db",
    `security add-trusted-cert -r trustRoot -k /Users/alice/Library/Keychains/login.keychain-db ${path}`,
    "# macOS System keychain /Library/Keychains/System.keychain",
    `sudo security add-trusted-cert -d -r trustRoot -k /Library/Keychains/System.keychain ${path}`,
    "",
  ]);
  const uninstall = await authsome(["cert", "uninstall", "--dry-run", "--platform", "macos"], {
    home: home.path,
    env,
  });
  assert.deepEqual(uninstall.stdout.split("\n"), [
    "# macOS login keychain /Users/alice/Library/Keychains/login.keychain-db",
    `security remove-trusted-cert ${path}`,
    `security delete-certificate -Z ${sha1} /Users/alice/Library/Keychains/login.keychain-db`,
    "# macOS System keychain /Library/Keychains/System.keychain",
    `sudo security remove-trusted-cert -d ${path}`,
    `sudo security delete-certificate -Z ${sha1} /Library/Keychains/System.keychain`,
    "",
  ]);
  const user = await authsome(["cert", "install", "--user", "--dry-run", "--platform", "macos"], {
    home: home.path,
    env,
  });
  assert.equal(user.stdout.split("\n").length, 3, "--user keeps the login keychain only");
});

Deno.test("cert install --dry-run --platform windows prints the certutil commands", async () => {
  await using home = await tempHome();
  await authsome(["cert", "path"], { home: home.path });
  const { path, sha1 } = await caNames(home.path);
  const install = await authsome(["cert", "install", "--dry-run", "--platform", "windows"], {
    home: home.path,
  });
  assert.deepEqual(install.stdout.split("\n"), [
    "# Windows Root store (current user)",
    `certutil -user -addstore -f Root ${path}`,
    "# Windows Root store (local machine) (as administrator)",
    `certutil -addstore -f Root ${path}`,
    "",
  ]);
  const uninstall = await authsome(["cert", "uninstall", "--dry-run", "--platform", "windows"], {
    home: home.path,
  });
  assert.deepEqual(uninstall.stdout.split("\n"), [
    "# Windows Root store (current user)",
    `certutil -user -delstore Root ${sha1}`,
    "# Windows Root store (local machine) (as administrator)",
    `certutil -delstore Root ${sha1}`,
    "",
  ]);
  const json = await authsome(
    ["cert", "install", "--system", "--dry-run", "--platform", "windows", "--json"],
    { home: home.path },
  );
  assert.deepEqual(
    JSON.parse(json.stdout).platforms[0].plans.map((p: { store: string }) => p.store),
    [
      "windows-machine",
    ],
  );
});

Deno.test("cert install --dry-run --platform all covers every Linux family, macOS and Windows", async () => {
  await using home = await tempHome();
  await authsome(["cert", "path"], { home: home.path });
  const { name } = await caNames(home.path);
  const all = await authsome(["cert", "install", "--dry-run", "--platform", "all"], {
    home: home.path,
  });
  assert.equal(all.code, 0, all.stderr);
  const sections = all.stdout.split("\n").filter((l) => l.startsWith("## "));
  assert.deepEqual(sections, [
    "## debian",
    "## alpine",
    "## fedora",
    "## arch",
    "## opensuse",
    "## macos",
    "## windows",
  ]);
  assert.ok(
    all.stdout.includes(
      `sudo install -m 644 ${home.path}/ca/ca.pem /etc/pki/ca-trust/source/anchors/${name}.pem\nsudo update-ca-trust extract\n`,
    ),
  );
  assert.ok(all.stdout.includes(`sudo trust anchor --store ${home.path}/ca/ca.pem\n`));
});

Deno.test("cert flags: usage errors exit 2 with a reason", async () => {
  await using home = await tempHome();
  const table: [string[], RegExp][] = [
    [["cert", "install", "--platform", "macos"], /--platform works only with --dry-run/],
    [["cert", "install", "--system", "--user"], /--system or --user, not both/],
    [["cert", "install", "--store", "nsss"], /Unknown store kind "nsss"; did you mean "nss"\?/],
    [["cert", "uninstall", "--dry-run", "--platform", "beos"], /Unknown platform "beos"/],
    [["cert", "install", "extra"], /Unexpected argument "extra"/],
  ];
  for (const [args, message] of table) {
    const result = await authsome(args, { home: home.path });
    assert.equal(result.code, 2, args.join(" "));
    assert.match(result.stderr, message);
  }
  const none = await authsome(["cert", "uninstall"], { home: home.path });
  assert.equal(none.code, 0);
  assert.match(none.stdout, /no local CA yet: nothing to uninstall/);
  assert.equal(await Deno.stat(`${home.path}/ca/ca.pem`).catch(() => null), null);
});

Deno.test("doctor checks the CA: exists, key mode, name constraints, trust", async () => {
  await using home = await tempHome();
  const before = await authsome(["doctor"], { home: home.path });
  assert.match(before.stdout, /WARN CA: none yet/);
  await authsome(["cert", "path"], { home: home.path });
  const after = await authsome(["doctor"], { home: home.path });
  assert.match(after.stdout, /OK {3}CA: .*ca\.pem \(SHA-256 /);
  assert.match(after.stdout, /OK {3}CA key: .*ca\.key readable only by you \(mode 600\)/);
  assert.match(after.stdout, /OK {3}CA name constraints: \d+ domain\(s\), every provider covered/);
  assert.match(after.stdout, /(OK|WARN) CA trust: trusted by /);
  await Deno.chmod(`${home.path}/ca/ca.key`, 0o644);
  const open = await authsome(["doctor", "--json"], { home: home.path });
  assert.equal(open.code, 1);
  const key = JSON.parse(open.stdout).checks.find((c: { name: string }) => c.name === "CA key");
  assert.equal(key.ok, false);
  assert.match(key.hint, /chmod 600/);
});

Deno.test({
  name:
    "a provider added after the CA: run works, a second CA covers it, rotate folds it into a new CA",
  ignore: !curl,
}, async () => {
  await using t = await e2e();
  const first = await t.run([curl!, "-sS", "https://api.openai.com/v1/a"]);
  assert.equal(first.code, 0, first.stderr);
  assert.doesNotMatch(first.stderr, /cert rotate/);
  await Deno.mkdir(`${t.home}/providers`, { recursive: true });
  await Deno.writeTextFile(
    `${t.home}/providers/demo2.json`,
    JSON.stringify({
      name: "demo2",
      display_name: "Demo 2",
      auth_type: "api_key",
      api_url: "api.demo2.test",
      injection: { type: "header", name: "Authorization", prefix: "Bearer " },
      placeholders: ["DEMO2_API_KEY"],
      export: { DEMO2_API_KEY: "api_key" },
      docs_url: "https://example.com/demo2",
    }),
  );
  const second = await t.run([curl!, "-sS", "https://api.openai.com/v1/b"]);
  assert.equal(second.code, 0, second.stderr);
  assert.match(t.origin.seen.at(-1)?.headers.authorization ?? "", /^Bearer sk-canary/);
  assert.match(
    second.stderr,
    /note: "demo2\.test" \(provider "demo2"\) is certified by authsome's second CA, for your own domains/,
  );
  assert.doesNotMatch(second.stderr, /cert rotate/);
  const doctor = await authsome(["doctor"], { home: t.home });
  assert.match(
    doctor.stdout,
    /WARN CA name constraints: leave out "demo2\.test" \(provider "demo2"\)\n {5}authsome run certifies them with a second CA.*authsome cert install/,
  );
  const rotated = await authsome(["cert", "rotate", "--json"], { home: t.home });
  assert.equal(rotated.code, 0, rotated.stderr);
  assert.ok(JSON.parse(rotated.stdout).name_constraints.dns.includes("demo2.test"));
  assert.equal(JSON.parse(rotated.stdout).second_ca_retired, true);
  assert.equal(await Deno.stat(`${t.home}/ca/user-domains`).catch(() => null), null);
  const third = await t.run([curl!, "-sS", "https://api.openai.com/v1/c"]);
  assert.equal(third.code, 0, third.stderr);
  assert.doesNotMatch(third.stderr, /cert rotate|second CA/);
  const again = await authsome(["cert", "rotate"], { home: t.home });
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /The old CA was in no trust store, so none needed a change\n$/);
  assert.doesNotMatch(again.stdout, /cert install/, "no install hint for a CA installed nowhere");
});

Deno.test({
  name: "http://authsome.local/ through a run serves the page, PEM and DER",
  ignore: !curl,
}, async () => {
  await using t = await e2e();
  const dir = await Deno.makeTempDir();
  try {
    const result = await t.run([
      "sh",
      "-c",
      [
        `${curl} -sS -o ${dir}/page.html -w '%{http_code} %{content_type}\\n' http://authsome.local/`,
        `${curl} -sS -o ${dir}/ca.pem http://authsome.local/ca.pem`,
        `${curl} -sS -o ${dir}/ca.der -w '%{content_type}\\n' http://authsome.local/ca.der`,
        `${curl} -sS -o /dev/null -w '%{http_code}\\n' http://authsome.local/ca.key`,
      ].join(" && "),
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(result.stdout.split("\n"), [
      "200 text/html; charset=utf-8",
      "application/x-x509-ca-cert",
      "404",
      "",
    ]);
    const pem = await Deno.readTextFile(`${t.home}/ca/ca.pem`);
    assert.equal(await Deno.readTextFile(`${dir}/ca.pem`), pem);
    assert.deepEqual(
      await Deno.readFile(`${dir}/ca.der`),
      new Uint8Array(new X509Certificate(pem).raw),
    );
    assert.match(await Deno.readTextFile(`${dir}/page.html`), /authsome local CA/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
