/**
 * Java's `cacerts` keystore, read by every JVM that does not bring its own
 * truststore. Found through `JAVA_HOME`, or through the `keytool` on PATH
 * with its links resolved; managed with `keytool` under the keystore's
 * well-known password. Trusted means: `keytool -list` shows the CA's SHA-256
 * fingerprint under any alias. On Debian, `update-ca-certificates` copies a
 * system CA into cacerts as `debian:<file>` but never takes it out again, so
 * uninstalling removes that alias too.
 */

import { join } from "node:path";
import { installRoot, type MachineFacts } from "./facts.ts";
import { type CaRef, colonHex, type TrustStore } from "./plan.ts";

/** The password every JDK ships `cacerts` with. */
export const CACERTS_PASSWORD = "changeit";

/** A JDK's keytool and cacerts. */
export interface JavaKeystore {
  readonly keytool: string;
  readonly cacerts: string;
  /** Writing needs root: the keystore belongs to another user. */
  readonly sudo: boolean;
}

/** The store of one Java keystore (pure). */
export function javaStore(java: JavaKeystore): TrustStore {
  const store = ["-keystore", java.cacerts, "-storepass", CACERTS_PASSWORD];
  return {
    kind: "java",
    id: `java:${java.cacerts}`,
    label: `Java cacerts ${java.cacerts}`,
    scope: "system",
    elevation: "sudo",
    trusted: (ca: CaRef) => ({
      kind: "command",
      argv: [java.keytool, "-list", ...store],
      stdoutIncludes: colonHex(ca.sha256),
    }),
    install: (ca) => [{
      argv: [
        java.keytool,
        "-importcert",
        "-noprompt",
        ...store,
        "-alias",
        ca.name,
        "-file",
        ca.certPath,
      ],
      sudo: java.sudo,
    }],
    uninstall: (ca) =>
      [ca.name, `debian:${ca.name}.pem`].map((alias) => ({
        argv: [java.keytool, "-delete", ...store, "-alias", alias],
        sudo: java.sudo,
        nothingToDo: "does not exist",
      })),
  };
}

/** The JDK's keystore on this machine, if a keytool and its cacerts are found. */
export function findJava(facts: MachineFacts): JavaKeystore | undefined {
  const exe = facts.os === "windows" ? "keytool.exe" : "keytool";
  const javaHome = facts.env.JAVA_HOME;
  let root: string | undefined;
  if (javaHome && facts.exists(join(javaHome, "bin", exe))) root = javaHome;
  else {
    const onPath = facts.which("keytool");
    if (onPath) root = installRoot(facts.realPath(onPath));
  }
  if (!root) return undefined;
  const cacerts = [
    join(root, "lib", "security", "cacerts"),
    join(root, "jre", "lib", "security", "cacerts"),
  ].find((path) => facts.exists(path));
  if (!cacerts) return undefined;
  return { keytool: join(root, "bin", exe), cacerts, sudo: !facts.writable(cacerts) };
}

/** Java's store on this machine, when a JDK with keytool is installed. */
export function javaStores(facts: MachineFacts): TrustStore[] {
  const java = findJava(facts);
  return java ? [javaStore(java)] : [];
}
