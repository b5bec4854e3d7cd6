import assert from "node:assert/strict";
import { type CommandResult, executePlan, type Executor, runProbe, storeState } from "./execute.ts";
import { javaStore } from "./java.ts";
import { linuxSystemStore } from "./linux.ts";
import { type CaRef, planFor } from "./plan.ts";
import { windowsMachineStore } from "./windows.ts";

const CA: CaRef = {
  certPath: "/h/ca/ca.pem",
  name: "authsome-0123456789abcdef",
  sha1: "AA".repeat(20),
  sha256: "BB".repeat(32),
  pemBody: "MIIBxx",
};

/** An executor that records commands and answers them from `answers` (by the first matching word). */
function fake(options: {
  elevated: boolean;
  sudo?: boolean;
  answers?: Record<string, CommandResult>;
  files?: Record<string, string>;
}): Executor & { ran: string[] } {
  const ran: string[] = [];
  return {
    ran,
    run: (argv) => {
      ran.push(argv.join(" "));
      const key = Object.keys(options.answers ?? {}).find((k) => argv.join(" ").includes(k));
      return Promise.resolve(key ? options.answers![key] : { code: 0, stdout: "", stderr: "" });
    },
    readFile: (path) => Promise.resolve(options.files?.[path]),
    elevated: options.elevated,
    passwordlessSudo: () => Promise.resolve(options.sudo ?? false),
  };
}

const debian = linuxSystemStore("debian");
const anchor = "/usr/local/share/ca-certificates/authsome-0123456789abcdef.crt";

Deno.test("executePlan() runs each step as root", async () => {
  const exec = fake({ elevated: true });
  const outcome = await executePlan(planFor("install", debian, CA), exec);
  assert.equal(outcome.kind, "done");
  assert.deepEqual(exec.ran, [`install -m 644 /h/ca/ca.pem ${anchor}`, "update-ca-certificates"]);
});

Deno.test("executePlan() runs nothing without root and names the sudo commands", async () => {
  const exec = fake({ elevated: false });
  const outcome = await executePlan(planFor("uninstall", debian, CA), exec);
  assert.equal(outcome.kind, "needs_privilege");
  assert.deepEqual(outcome.kind === "needs_privilege" && outcome.commands, [
    `sudo rm -f ${anchor}`,
    "sudo update-ca-certificates --fresh",
  ]);
  assert.deepEqual(exec.ran, []);
});

Deno.test("executePlan() uses sudo -n when sudo needs no password", async () => {
  const exec = fake({ elevated: false, sudo: true });
  assert.equal((await executePlan(planFor("install", debian, CA), exec)).kind, "done");
  assert.deepEqual(exec.ran, [
    `sudo -n -- install -m 644 /h/ca/ca.pem ${anchor}`,
    "sudo -n -- update-ca-certificates",
  ]);
});

Deno.test("executePlan() stops at a failure, and tolerates 'nothing to do' output", async () => {
  const failing = fake({
    elevated: true,
    answers: { "install -m": { code: 1, stdout: "", stderr: "install: cannot create: No space" } },
  });
  const outcome = await executePlan(planFor("install", debian, CA), failing);
  assert.equal(outcome.kind, "failed");
  assert.match(outcome.kind === "failed" ? outcome.output : "", /No space/);
  assert.equal(failing.ran.length, 1);
  const java = javaStore({ keytool: "/jdk/bin/keytool", cacerts: "/jdk/cacerts", sudo: false });
  const gone = fake({
    elevated: true,
    answers: {
      "-alias authsome-": {
        code: 1,
        stdout:
          "keytool error: java.lang.Exception: Alias <authsome-0123456789abcdef> does not exist",
        stderr: "",
      },
    },
  });
  assert.equal((await executePlan(planFor("uninstall", java, CA), gone)).kind, "done");
  assert.equal(gone.ran.length, 2);
});

Deno.test("executePlan() turns a failing Windows machine step into an administrator's command", async () => {
  const exec = fake({
    elevated: true,
    answers: { certutil: { code: 5, stdout: "", stderr: "Access is denied." } },
  });
  const outcome = await executePlan(planFor("install", windowsMachineStore(), CA), exec);
  assert.equal(outcome.kind, "needs_privilege");
  assert.deepEqual(outcome.kind === "needs_privilege" && outcome.commands, [
    "certutil -addstore -f Root /h/ca/ca.pem",
  ]);
});

Deno.test("runProbe() and storeState() read files and command output", async () => {
  const exec = fake({
    elevated: true,
    files: { "/etc/ssl/certs/ca-certificates.crt": "roots\nMIIBxx\n", [anchor]: "pem" },
    answers: {
      "-list": { code: 0, stdout: "Certificate fingerprint (SHA-256): BB:BB", stderr: "" },
    },
  });
  assert.deepEqual(await storeState(debian, CA, exec), { trusted: true, removable: true });
  assert.deepEqual(await storeState(debian, { ...CA, pemBody: "other" }, exec), {
    trusted: false,
    removable: true,
  });
  assert.equal(await runProbe({ kind: "file", path: "/nope" }, exec), false);
  assert.equal(
    await runProbe({ kind: "command", argv: ["keytool", "-list"], stdoutIncludes: "BB:BB" }, exec),
    true,
  );
  assert.equal(
    await runProbe({ kind: "command", argv: ["keytool", "-list"], stdoutIncludes: "CC" }, exec),
    false,
  );
});
