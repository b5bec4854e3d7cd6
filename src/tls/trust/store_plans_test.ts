import assert from "node:assert/strict";
import { javaStore } from "./java.ts";
import { linuxSystemStore } from "./linux.ts";
import { loginKeychainStore, systemKeychainStore } from "./macos.ts";
import { nssStore } from "./nss.ts";
import type { CaRef, TrustStore } from "./plan.ts";
import { windowsMachineStore, windowsUserStore } from "./windows.ts";

const CA: CaRef = {
  certPath: "/h/ca/ca.pem",
  name: "authsome-0123456789abcdef",
  sha1: "AA".repeat(20),
  sha256: "BB".repeat(32),
  pemBody: "MIIB",
};
const SHA1 = "AA".repeat(20);
const N = CA.name;

const table: [TrustStore, string[], string[]][] = [
  [
    linuxSystemStore("debian"),
    [
      `sudo: install -m 644 /h/ca/ca.pem /usr/local/share/ca-certificates/${N}.crt`,
      "sudo: update-ca-certificates",
    ],
    [
      `sudo: rm -f /usr/local/share/ca-certificates/${N}.crt`,
      "sudo: update-ca-certificates --fresh",
    ],
  ],
  [
    linuxSystemStore("alpine"),
    [
      `sudo: install -m 644 /h/ca/ca.pem /usr/local/share/ca-certificates/${N}.crt`,
      "sudo: update-ca-certificates",
    ],
    [`sudo: rm -f /usr/local/share/ca-certificates/${N}.crt`, "sudo: update-ca-certificates"],
  ],
  [
    linuxSystemStore("fedora"),
    [
      `sudo: install -m 644 /h/ca/ca.pem /etc/pki/ca-trust/source/anchors/${N}.pem`,
      "sudo: update-ca-trust extract",
    ],
    [`sudo: rm -f /etc/pki/ca-trust/source/anchors/${N}.pem`, "sudo: update-ca-trust extract"],
  ],
  [
    linuxSystemStore("arch"),
    ["sudo: trust anchor --store /h/ca/ca.pem"],
    ["sudo: trust anchor --remove /h/ca/ca.pem"],
  ],
  [
    linuxSystemStore("opensuse"),
    [
      `sudo: install -m 644 /h/ca/ca.pem /usr/share/pki/trust/anchors/${N}.pem`,
      "sudo: update-ca-certificates",
    ],
    [`sudo: rm -f /usr/share/pki/trust/anchors/${N}.pem`, "sudo: update-ca-certificates"],
  ],
  [
    nssStore(
      { dir: "/u/.pki/nssdb", spec: "sql:/u/.pki/nssdb", scope: "user", sudo: false },
      "certutil",
    ),
    [`certutil -A -d sql:/u/.pki/nssdb -t C,, -n ${N} -i /h/ca/ca.pem`],
    [`certutil -D -d sql:/u/.pki/nssdb -n ${N}`],
  ],
  [
    javaStore({ keytool: "/jdk/bin/keytool", cacerts: "/jdk/lib/security/cacerts", sudo: true }),
    [`sudo: /jdk/bin/keytool -importcert -noprompt -keystore /jdk/lib/security/cacerts -storepass changeit -alias ${N} -file /h/ca/ca.pem`],
    [
      `sudo: /jdk/bin/keytool -delete -keystore /jdk/lib/security/cacerts -storepass changeit -alias ${N}`,
      `sudo: /jdk/bin/keytool -delete -keystore /jdk/lib/security/cacerts -storepass changeit -alias debian:${N}.pem`,
    ],
  ],
  [
    loginKeychainStore("/Users/al"),
    ["security add-trusted-cert -r trustRoot -k /Users/al/Library/Keychains/login.keychain-db /h/ca/ca.pem"],
    [
      "security remove-trusted-cert /h/ca/ca.pem",
      `security delete-certificate -Z ${SHA1} /Users/al/Library/Keychains/login.keychain-db`,
    ],
  ],
  [
    systemKeychainStore(),
    ["sudo: security add-trusted-cert -d -r trustRoot -k /Library/Keychains/System.keychain /h/ca/ca.pem"],
    [
      "sudo: security remove-trusted-cert -d /h/ca/ca.pem",
      `sudo: security delete-certificate -Z ${SHA1} /Library/Keychains/System.keychain`,
    ],
  ],
  [
    windowsUserStore(),
    ["certutil -user -addstore -f Root /h/ca/ca.pem"],
    [`certutil -user -delstore Root ${SHA1}`],
  ],
  [
    windowsMachineStore(),
    ["sudo: certutil -addstore -f Root /h/ca/ca.pem"],
    [`sudo: certutil -delstore Root ${SHA1}`],
  ],
];

Deno.test("each store's install and uninstall steps, and which need privileges", () => {
  for (const [store, install, uninstall] of table) {
    const show = (steps: ReturnType<TrustStore["install"]>) =>
      steps.map((s) => `${s.sudo ? "sudo: " : ""}${s.argv.join(" ")}`);
    assert.deepEqual(show(store.install(CA)), install, `${store.id} install`);
    assert.deepEqual(show(store.uninstall(CA)), uninstall, `${store.id} uninstall`);
  }
});

Deno.test("each store's probe: the bundle, certutil -V, keytool's fingerprint, the keychain, the Root store", () => {
  const probes = table.map(([store]) => store.trusted(CA));
  assert.deepEqual(probes[0], {
    kind: "file",
    path: "/etc/ssl/certs/ca-certificates.crt",
    includes: "MIIB",
  });
  assert.equal(
    probes[2].kind === "file" && probes[2].path,
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
  );
  assert.deepEqual(probes[5], {
    kind: "command",
    argv: ["certutil", "-V", "-d", "sql:/u/.pki/nssdb", "-u", "L", "-n", N],
  });
  assert.equal(probes[6].kind === "command" && probes[6].stdoutIncludes, "BB:".repeat(31) + "BB");
  assert.deepEqual(probes[7], {
    kind: "command",
    argv: [
      "security",
      "find-certificate",
      "-a",
      "-Z",
      "/Users/al/Library/Keychains/login.keychain-db",
    ],
    stdoutIncludes: SHA1,
  });
  assert.deepEqual(probes[9], {
    kind: "command",
    argv: ["certutil", "-user", "-store", "Root", SHA1],
  });
});
