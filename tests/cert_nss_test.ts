/**
 * NSS with certutil on a temporary database (a throwaway HOME holding
 * `.pki/nssdb`, where Chrome keeps it): install and uninstall twice each,
 * status, and rotate moving the trust from the old CA to the new one.
 */

import assert from "node:assert/strict";
import { createHash, X509Certificate } from "node:crypto";
import { authsome, tempHome } from "./helpers/cli.ts";
import { client } from "./helpers/clients.ts";

const certutil = client("certutil", "NSS's certutil, Debian package libnss3-tools");

async function run(cmd: string, args: string[]): Promise<{ code: number; out: string }> {
  const output = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: output.code, out: decode(output.stdout) + decode(output.stderr) };
}

async function caName(home: string): Promise<string> {
  const der = new X509Certificate(await Deno.readTextFile(`${home}/ca/ca.pem`)).raw;
  return `authsome-${createHash("sha256").update(der).digest("hex").slice(0, 16)}`;
}

/** A home whose HOME has an empty NSS database. */
async function nssHome(): Promise<{ path: string; db: string } & AsyncDisposable> {
  const home = await tempHome();
  const db = `${home.path}/.pki/nssdb`;
  await Deno.mkdir(db, { recursive: true });
  const created = await run(certutil!, ["-N", "-d", `sql:${db}`, "--empty-password"]);
  assert.equal(created.code, 0, created.out);
  return { path: home.path, db, [Symbol.asyncDispose]: home[Symbol.asyncDispose] };
}

Deno.test({
  name: "cert install --user adds the CA to an NSS database, idempotently",
  ignore: !certutil,
}, async () => {
  await using home = await nssHome();
  const opts = { home: home.path, env: { HOME: home.path } };
  const install = await authsome(["cert", "install", "--user"], opts);
  assert.equal(install.code, 0, install.stderr);
  assert.equal(install.stdout, `installed the CA in NSS database ${home.db}\n`);
  const name = await caName(home.path);
  const listed = await run(certutil!, ["-L", "-d", `sql:${home.db}`]);
  assert.match(listed.out, new RegExp(`${name} +C,,`));
  const again = await authsome(["cert", "install", "--user"], opts);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(again.stdout, `NSS database ${home.db}: already trusts the CA\n`);
  const status = JSON.parse((await authsome(["cert", "status", "--json"], opts)).stdout);
  const nss = status.stores.find((s: { kind: string }) => s.kind === "nss");
  assert.deepEqual([nss.store, nss.scope, nss.trusted], [`nss:${home.db}`, "user", true]);
  const dry = await authsome(["cert", "uninstall", "--user", "--dry-run"], opts);
  assert.deepEqual(dry.stdout.split("\n"), [
    `# NSS database ${home.db}`,
    `${certutil} -D -d sql:${home.db} -n ${name}`,
    "",
  ]);
  const uninstall = await authsome(["cert", "uninstall", "--user"], opts);
  assert.equal(uninstall.code, 0, uninstall.stderr);
  assert.equal(uninstall.stdout, `removed the CA from NSS database ${home.db}\n`);
  const twice = await authsome(["cert", "uninstall", "--user"], opts);
  assert.equal(twice.code, 0, twice.stderr);
  assert.equal(twice.stdout, `NSS database ${home.db}: does not have the CA\n`);
  assert.notEqual((await run(certutil!, ["-L", "-d", `sql:${home.db}`, "-n", name])).code, 0);
});

Deno.test({
  name: "cert rotate takes the old CA out of the NSS database and puts the new one in",
  ignore: !certutil,
}, async () => {
  await using home = await nssHome();
  const opts = { home: home.path, env: { HOME: home.path } };
  assert.equal((await authsome(["cert", "install", "--user"], opts)).code, 0);
  const oldName = await caName(home.path);
  const oldPem = await Deno.readTextFile(`${home.path}/ca/ca.pem`);
  await Deno.mkdir(`${home.path}/ca/leaves`, { recursive: true });
  await Deno.writeTextFile(`${home.path}/ca/leaves/api.openai.com.pem`, "old leaf");
  const rotate = await authsome(["cert", "rotate"], opts);
  assert.equal(rotate.code, 0, rotate.stderr);
  const newName = await caName(home.path);
  assert.notEqual(newName, oldName);
  assert.match(rotate.stdout, new RegExp(`removed the old CA from NSS database ${home.db}`));
  assert.match(rotate.stdout, new RegExp(`installed the new CA in NSS database ${home.db}`));
  const listed = await run(certutil!, ["-L", "-d", `sql:${home.db}`]);
  assert.match(listed.out, new RegExp(`${newName} +C,,`));
  assert.doesNotMatch(listed.out, new RegExp(oldName));
  assert.equal(await Deno.readTextFile(`${home.path}/ca/retired/${oldName}.pem`), oldPem);
  assert.equal(
    await Deno.stat(`${home.path}/ca/leaves`).catch(() => null),
    null,
    "old leaves dropped",
  );
  const record = JSON.parse(await Deno.readTextFile(`${home.path}/ca/installed.json`));
  assert.deepEqual(Object.values(record.installed), [[`nss:${home.db}`]]);
  const key = await Deno.stat(`${home.path}/ca/ca.key`);
  assert.equal((key.mode ?? 0) & 0o777, 0o600);
  assert.equal((await authsome(["cert", "uninstall", "--user"], opts)).code, 0);
});

Deno.test({
  name:
    "cert install puts the second CA (a provider on a new domain) beside the first; rotate retires it",
  ignore: !certutil,
}, async () => {
  await using home = await nssHome();
  const opts = { home: home.path, env: { HOME: home.path } };
  assert.equal((await authsome(["cert", "path"], opts)).code, 0);
  await Deno.mkdir(`${home.path}/providers`);
  await Deno.writeTextFile(
    `${home.path}/providers/acme.json`,
    JSON.stringify({
      name: "acme",
      display_name: "Acme",
      auth_type: "api_key",
      api_url: "api.acme.test",
      injection: { type: "header", name: "Authorization", prefix: "Bearer " },
      docs_url: "https://acme.example/docs",
    }),
  );
  // A run makes the second CA for acme.test.
  const ran = await authsome(["run", "--", "true"], opts);
  assert.equal(ran.code, 0, ran.stderr);
  const secondDer = new X509Certificate(
    await Deno.readTextFile(`${home.path}/ca/user-domains/ca.pem`),
  ).raw;
  const second = `authsome-${createHash("sha256").update(secondDer).digest("hex").slice(0, 16)}`;
  const install = await authsome(["cert", "install", "--user"], opts);
  assert.equal(install.code, 0, install.stderr);
  assert.equal(
    install.stdout,
    `installed the CA in NSS database ${home.db}\ninstalled the second CA (your domains) in NSS database ${home.db}\n`,
  );
  assert.doesNotMatch(install.stderr, /leave out/, "the second CA covers acme.test");
  const listed = await run(certutil!, ["-L", "-d", `sql:${home.db}`]);
  assert.match(listed.out, new RegExp(`${await caName(home.path)} +C,,`));
  assert.match(listed.out, new RegExp(`${second} +C,,`));

  const rotate = await authsome(["cert", "rotate"], opts);
  assert.equal(rotate.code, 0, rotate.stderr);
  assert.match(rotate.stdout, /it covers the second CA's domains too: that CA is retired/);
  assert.match(rotate.stdout, new RegExp(`removed the second CA from NSS database ${home.db}`));
  assert.notEqual((await run(certutil!, ["-L", "-d", `sql:${home.db}`, "-n", second])).code, 0);
  assert.equal(await Deno.stat(`${home.path}/ca/user-domains`).catch(() => null), null);
});
