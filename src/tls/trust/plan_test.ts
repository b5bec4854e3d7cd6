import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { loadOrCreateCa } from "../ca.ts";
import { tempDir } from "../_testing.ts";
import { linuxSystemStore } from "./linux.ts";
import { type CaRef, caRef, colonHex, planFor, quoteArg, renderStep } from "./plan.ts";

const CA: CaRef = {
  certPath: "/home/al/.authsome/ca/ca.pem",
  name: "authsome-0123456789abcdef",
  sha1: "AA".repeat(20),
  sha256: "BB".repeat(32),
  pemBody: "MIIB",
};

Deno.test("planFor() skips a store that trusts the CA, or has nothing of it, and plans all unprobed", () => {
  const store = linuxSystemStore("debian");
  const table: [
    "install" | "uninstall",
    { trusted: boolean; removable: boolean } | undefined,
    string | undefined,
    number,
  ][] = [
    ["install", undefined, undefined, 2],
    ["install", { trusted: false, removable: false }, undefined, 2],
    ["install", { trusted: true, removable: true }, "already trusted", 0],
    ["install", { trusted: false, removable: true }, undefined, 2],
    ["uninstall", undefined, undefined, 2],
    ["uninstall", { trusted: true, removable: true }, undefined, 2],
    ["uninstall", { trusted: false, removable: true }, undefined, 2],
    ["uninstall", { trusted: true, removable: false }, "not installed", 0],
    ["uninstall", { trusted: false, removable: false }, "not installed", 0],
  ];
  for (const [action, state, skip, steps] of table) {
    const plan = planFor(action, store, CA, state);
    assert.equal(plan.skip, skip, `${action} ${JSON.stringify(state)}`);
    assert.equal(plan.steps.length, steps, `${action} ${JSON.stringify(state)}`);
  }
});

Deno.test("renderStep() quotes for the shell and adds sudo only when not elevated", () => {
  const table: [string[], boolean, "sudo" | "administrator", boolean, string][] = [
    [["update-ca-certificates"], true, "sudo", false, "sudo update-ca-certificates"],
    [["update-ca-certificates"], true, "sudo", true, "update-ca-certificates"],
    [["certutil", "-d", "sql:/x y"], false, "sudo", false, "certutil -d 'sql:/x y'"],
    [["a", "it's"], false, "sudo", false, `a 'it'\\''s'`],
    [
      ["certutil", "-addstore", "C:\\Users\\A B\\ca.pem"],
      true,
      "administrator",
      false,
      `certutil -addstore "C:\\Users\\A B\\ca.pem"`,
    ],
  ];
  for (const [argv, sudo, elevation, elevated, expected] of table) {
    assert.equal(renderStep({ argv, sudo }, elevation, elevated), expected);
  }
  assert.equal(quoteArg("C,,", "sudo"), "C,,");
  assert.equal(quoteArg("", "sudo"), "''");
});

Deno.test("caRef() names the CA by its SHA-256 and keeps the PEM lines a bundle holds", async () => {
  await using tmp = await tempDir();
  const ca = await loadOrCreateCa(tmp.path);
  const ref = caRef(ca.cert, ca.paths.cert);
  const cert = new X509Certificate(ca.certPem);
  assert.equal(colonHex(ref.sha256), cert.fingerprint256);
  assert.equal(colonHex(ref.sha1), cert.fingerprint);
  assert.equal(ref.name, `authsome-${ref.sha256.slice(0, 16).toLowerCase()}`);
  assert.ok(ca.certPem.includes(ref.pemBody));
  assert.equal(ref.certPath, ca.paths.cert);
});
