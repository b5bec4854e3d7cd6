import assert from "node:assert/strict";
import { judgeSandbox, sandboxedArgv, unavailableError } from "./sandbox.ts";

const linux = { os: "linux" as const, sysctl: {} };

Deno.test("judgeSandbox(): each reason a sandbox cannot be built, with its fix", () => {
  const table: [Parameters<typeof judgeSandbox>[0], RegExp, RegExp][] = [
    [linux, /bubblewrap \(bwrap\) is not installed/, /apt-get install bubblewrap/],
    [
      {
        ...linux,
        tool: "/usr/bin/bwrap",
        probe: { ok: false, stderr: "bwrap: No permissions to create new namespace\n" },
        sysctl: { "kernel.unprivileged_userns_clone": "0\n" },
      },
      /user namespaces are disabled \(kernel\.unprivileged_userns_clone = 0\).*No permissions/,
      /sysctl -w kernel\.unprivileged_userns_clone=1/,
    ],
    [
      {
        ...linux,
        tool: "/usr/bin/bwrap",
        probe: { ok: false, stderr: "bwrap: setting up uid map: Permission denied" },
        sysctl: { "kernel.apparmor_restrict_unprivileged_userns": "1" },
      },
      /apparmor_restrict_unprivileged_userns = 1/,
      /apparmor_restrict_unprivileged_userns=0/,
    ],
    [
      {
        ...linux,
        tool: "/usr/bin/bwrap",
        probe: { ok: false, stderr: "" },
        sysctl: { "user.max_user_namespaces": "0" },
      },
      /user\.max_user_namespaces = 0/,
      /user\.max_user_namespaces=15000/,
    ],
    [
      { ...linux, tool: "/usr/bin/bwrap", probe: { ok: false, stderr: "bwrap: odd\n" } },
      /bwrap cannot build the sandbox: bwrap: odd$/,
      /user namespaces/,
    ],
    [{ os: "windows", sysctl: {} }, /no sandbox for windows/, /WSL2/],
    [{ os: "darwin", sysctl: {} }, /sandbox-exec is missing/, /sandbox-exec/],
    [
      {
        os: "darwin",
        tool: "/usr/bin/sandbox-exec",
        probe: { ok: false, stderr: "sandbox-exec: sandbox_apply: Operation not permitted\n" },
        sysctl: {},
      },
      /sandbox-exec cannot start a program: sandbox-exec: sandbox_apply: Operation not permitted$/,
      /cannot nest sandboxes/,
    ],
  ];
  for (const [facts, reason, fix] of table) {
    const verdict = judgeSandbox(facts);
    assert.equal(verdict.kind, "unavailable");
    if (verdict.kind !== "unavailable") continue;
    assert.match(verdict.reason, reason);
    assert.match(verdict.fix, fix);
    const error = unavailableError(verdict);
    assert.equal(error.code, "unsupported");
    assert.match(error.message, /the command was not started$/);
  }
});

Deno.test("judgeSandbox(): a working trial is enough, whatever the sysctls say", () => {
  assert.deepEqual(
    judgeSandbox({
      ...linux,
      tool: "/usr/bin/bwrap",
      probe: { ok: true, stderr: "" },
      sysctl: { "kernel.apparmor_restrict_unprivileged_userns": "1" },
    }),
    { kind: "ok", tool: "/usr/bin/bwrap" },
  );
  assert.deepEqual(judgeSandbox({ os: "darwin", tool: "/usr/bin/sandbox-exec", sysctl: {} }), {
    kind: "ok",
    tool: "/usr/bin/sandbox-exec",
  });
});

Deno.test("sandboxedArgv(): Linux starts bwrap through the signal-ignoring sh; macOS sandbox-exec", () => {
  const plan = { hide: ["/h"], expose: [], sockets: [] };
  const context = { self: ["/bin/authsome"], home: "/home/u" };
  const onLinux = sandboxedArgv("linux", "/usr/bin/bwrap", plan, ["true"], context);
  assert.deepEqual(onLinux.slice(0, 2), ["/bin/sh", "-c"]);
  assert.equal(onLinux[4], "/usr/bin/bwrap");
  assert.deepEqual(onLinux.slice(-4), ["/bin/authsome", "__sandbox-init", "--", "true"]);
  const onMac = sandboxedArgv("darwin", "/usr/bin/sandbox-exec", plan, ["true"], context);
  assert.deepEqual([onMac[0], onMac[1], onMac.at(-1)], ["/usr/bin/sandbox-exec", "-p", "true"]);
  assert.match(onMac[2], /\(deny file-read\* file-write\* \(subpath "\/h"\)\)/);
});
