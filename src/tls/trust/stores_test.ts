import assert from "node:assert/strict";
import { fakeFacts } from "./_fake_facts.ts";
import { findJava } from "./java.ts";
import { detectLinuxFlavor } from "./linux.ts";
import { findNssDbs } from "./nss.ts";
import { machineStores, selectStores } from "./stores.ts";

Deno.test("detectLinuxFlavor() reads the folders and programs of each family", () => {
  const table: [string[], Record<string, string>, string | undefined][] = [
    [["/usr/local/share/ca-certificates/x", "/usr/sbin/update-ca-certificates"], {}, "debian"],
    [
      ["/usr/local/share/ca-certificates/x", "/etc/alpine-release"],
      { "update-ca-certificates": "/usr/sbin/update-ca-certificates" },
      "alpine",
    ],
    [["/etc/pki/ca-trust/source/anchors/x", "/usr/bin/update-ca-trust"], {}, "fedora"],
    [["/etc/ca-certificates/trust-source/x", "/usr/bin/trust"], {}, "arch"],
    [["/usr/share/pki/trust/anchors/x", "/usr/sbin/update-ca-certificates"], {}, "opensuse"],
    [["/usr/local/share/ca-certificates/x"], {}, undefined],
    [[], {}, undefined],
  ];
  for (const [paths, programs, flavor] of table) {
    assert.equal(detectLinuxFlavor(fakeFacts({ paths, programs })), flavor, paths.join(" "));
  }
});

Deno.test("findNssDbs() finds Chrome's database and Firefox profiles, sql or dbm, and who may write them", () => {
  const facts = fakeFacts({
    paths: [
      "/home/al/.pki/nssdb/cert9.db",
      "/home/al/.mozilla/firefox/abc.default/cert9.db",
      "/home/al/.mozilla/firefox/old.profile/cert8.db",
      "/home/al/.mozilla/firefox/empty.profile/prefs.js",
      "/etc/pki/nssdb/cert9.db",
    ],
    readOnly: ["/etc/pki/nssdb/cert9.db"],
  });
  assert.deepEqual(findNssDbs(facts), [
    { dir: "/home/al/.pki/nssdb", spec: "sql:/home/al/.pki/nssdb", scope: "user", sudo: false },
    { dir: "/etc/pki/nssdb", spec: "sql:/etc/pki/nssdb", scope: "system", sudo: true },
    {
      dir: "/home/al/.mozilla/firefox/abc.default",
      spec: "sql:/home/al/.mozilla/firefox/abc.default",
      scope: "user",
      sudo: false,
    },
    {
      dir: "/home/al/.mozilla/firefox/old.profile",
      spec: "dbm:/home/al/.mozilla/firefox/old.profile",
      scope: "user",
      sudo: false,
    },
  ]);
});

Deno.test("findJava() uses JAVA_HOME, else keytool on PATH with its links resolved", () => {
  const jdk = "/usr/lib/jvm/java-17";
  const viaPath = fakeFacts({
    paths: [`${jdk}/bin/keytool`, `${jdk}/lib/security/cacerts`],
    programs: { keytool: "/usr/bin/keytool" },
    links: { "/usr/bin/keytool": `${jdk}/bin/keytool` },
    readOnly: [`${jdk}/lib/security/cacerts`],
  });
  assert.deepEqual(findJava(viaPath), {
    keytool: `${jdk}/bin/keytool`,
    cacerts: `${jdk}/lib/security/cacerts`,
    sudo: true,
  });
  const viaHome = fakeFacts({
    env: { JAVA_HOME: "/opt/jdk8" },
    paths: ["/opt/jdk8/bin/keytool", "/opt/jdk8/jre/lib/security/cacerts"],
  });
  assert.deepEqual(findJava(viaHome), {
    keytool: "/opt/jdk8/bin/keytool",
    cacerts: "/opt/jdk8/jre/lib/security/cacerts",
    sudo: false,
  });
  assert.equal(findJava(fakeFacts({ programs: { keytool: "/usr/bin/keytool" } })), undefined);
});

Deno.test("machineStores() lists a platform's stores; selectStores() filters by scope and kind", () => {
  const linux = fakeFacts({
    paths: [
      "/usr/local/share/ca-certificates/x",
      "/usr/sbin/update-ca-certificates",
      "/home/al/.pki/nssdb/cert9.db",
    ],
    programs: { certutil: "/usr/bin/certutil" },
  });
  const stores = machineStores(linux);
  assert.deepEqual(stores.map((s) => s.id), ["system", "nss:/home/al/.pki/nssdb"]);
  assert.deepEqual(selectStores(stores, { scope: "user" }).map((s) => s.id), [
    "nss:/home/al/.pki/nssdb",
  ]);
  assert.deepEqual(selectStores(stores, { kinds: ["system"] }).map((s) => s.id), ["system"]);
  const noCertutil = fakeFacts({ paths: ["/home/al/.pki/nssdb/cert9.db"] });
  assert.deepEqual(machineStores(noCertutil), []);
  const mac = machineStores(fakeFacts({ os: "darwin", home: "/Users/al" }));
  assert.deepEqual(mac.map((s) => [s.id, s.scope]), [
    ["keychain-login", "user"],
    ["keychain-system", "system"],
  ]);
  const windows = machineStores(
    fakeFacts({ os: "windows", programs: { certutil: "C:\\Windows\\certutil.exe" } }),
  );
  assert.deepEqual(windows.map((s) => s.id), ["windows-user", "windows-machine"]);
});
