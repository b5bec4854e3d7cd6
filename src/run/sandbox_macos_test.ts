import assert from "node:assert/strict";
import { KEYCHAIN_SERVICES, sandboxExecArgs, seatbeltProfile } from "./sandbox_macos.ts";

const plan = {
  hide: ["/Users/u/.authsome"],
  expose: ["/Users/u/.authsome/runs/r1", "/Users/u/.authsome/ca/ca.pem"],
  sockets: [],
};

Deno.test("seatbeltProfile(): the home denied, the run's files readable again after it", () => {
  const text = seatbeltProfile(plan, "/Users/u");
  const lines = text.trim().split("\n");
  assert.equal(lines[0], "(version 1)");
  assert.equal(lines[1], "(allow default)");
  const deny = lines.indexOf('(deny file-read* file-write* (subpath "/Users/u/.authsome"))');
  assert.ok(deny > 1);
  for (const path of plan.expose) {
    const allow = lines.indexOf(`(allow file-read* (subpath "${path}"))`);
    assert.ok(allow > deny, `${path} allowed after the deny (the last matching rule wins)`);
  }
  assert.ok(lines.includes('(deny file-read* file-write* (subpath "/Users/u/Library/Keychains"))'));
  for (const service of KEYCHAIN_SERVICES) assert.ok(text.includes(`(global-name "${service}")`));
  assert.ok(lines.includes("(deny process-info* (target others))"));
  assert.ok(!text.includes("network-outbound"), "no network rule without --sandbox=network");
});

Deno.test("seatbeltProfile(): network allows only the proxy's port on loopback", () => {
  const lines = seatbeltProfile(
    { ...plan, network: { port: 4242, socket: "/unused" } },
    "/Users/u",
  ).trim().split("\n");
  assert.deepEqual(lines.slice(-2), [
    '(deny network-outbound (remote ip "*:*"))',
    '(allow network-outbound (remote ip "localhost:4242"))',
  ]);
});

Deno.test("seatbeltProfile(): quotes and backslashes in paths are escaped", () => {
  const text = seatbeltProfile({ ...plan, hide: ['/Users/a"b\\c'] }, "/Users/u");
  assert.ok(text.includes('(subpath "/Users/a\\"b\\\\c")'));
});

Deno.test("sandboxExecArgs(): sandbox-exec -p PROFILE CMD...", () => {
  assert.deepEqual(sandboxExecArgs("(version 1)", ["node", "a.js"]), [
    "/usr/bin/sandbox-exec",
    "-p",
    "(version 1)",
    "node",
    "a.js",
  ]);
});
