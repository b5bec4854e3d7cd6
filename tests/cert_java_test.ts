/**
 * Java's cacerts with keytool, on a copy: a JAVA_HOME of our own whose
 * bin/keytool links to the real one and whose lib/security/cacerts is a copy
 * of the JDK's, so the real keystore is never touched. Skipped without a JDK.
 */

import assert from "node:assert/strict";
import { createHash, X509Certificate } from "node:crypto";
import { authsome, tempHome } from "./helpers/cli.ts";
import { which } from "./helpers/clients.ts";

const keytool = which("keytool");
if (!keytool) {
  // deno-lint-ignore no-console
  console.error("skip: keytool is missing (the Java cacerts test needs a JDK)");
}

async function digest(path: string): Promise<string> {
  return createHash("sha256").update(await Deno.readFile(path)).digest("hex");
}

Deno.test({
  name: "cert install --store java adds the CA to cacerts, idempotently",
  ignore: !keytool,
}, async () => {
  await using home = await tempHome();
  const realKeytool = Deno.realPathSync(keytool!);
  const jdk = realKeytool.replace(/\/bin\/keytool$/, "");
  const realCacerts = `${jdk}/lib/security/cacerts`;
  const before = await digest(realCacerts);
  const javaHome = `${home.path}/jdk`;
  await Deno.mkdir(`${javaHome}/bin`, { recursive: true });
  await Deno.mkdir(`${javaHome}/lib/security`, { recursive: true });
  await Deno.symlink(realKeytool, `${javaHome}/bin/keytool`);
  const cacerts = `${javaHome}/lib/security/cacerts`;
  await Deno.copyFile(realCacerts, cacerts);
  const opts = { home: home.path, env: { JAVA_HOME: javaHome } };
  const label = `Java cacerts ${cacerts}`;
  const install = await authsome(["cert", "install", "--store", "java"], opts);
  assert.equal(install.code, 0, install.stderr);
  assert.equal(install.stdout, `installed the CA in ${label}\n`);
  const pem = await Deno.readTextFile(`${home.path}/ca/ca.pem`);
  const cert = new X509Certificate(pem);
  const name = `authsome-${createHash("sha256").update(cert.raw).digest("hex").slice(0, 16)}`;
  const list = await new Deno.Command(keytool!, {
    args: ["-list", "-keystore", cacerts, "-storepass", "changeit", "-alias", name],
    stdout: "piped",
    stderr: "null",
  }).output();
  assert.equal(list.code, 0);
  assert.ok(new TextDecoder().decode(list.stdout).includes(cert.fingerprint256));
  const again = await authsome(["cert", "install", "--store", "java"], opts);
  assert.equal(again.stdout, `${label}: already trusts the CA\n`);
  const uninstall = await authsome(["cert", "uninstall", "--store", "java"], opts);
  assert.equal(uninstall.code, 0, uninstall.stderr);
  assert.equal(uninstall.stdout, `removed the CA from ${label}\n`);
  const twice = await authsome(["cert", "uninstall", "--store", "java"], opts);
  assert.equal(twice.stdout, `${label}: does not have the CA\n`);
  assert.equal(await digest(realCacerts), before, "the JDK's own cacerts is untouched");
});
