import assert from "node:assert/strict";
import { honoursEnvProxy, isNodeCommand } from "./node_version.ts";

Deno.test("isNodeCommand() recognises node binaries by name", () => {
  for (const name of ["node", "/usr/bin/node", "nodejs", "C:\\x\\node.exe"]) {
    assert.ok(isNodeCommand(name), name);
  }
  for (const name of ["deno", "nodemon", "python3"]) assert.ok(!isNodeCommand(name), name);
});

Deno.test("honoursEnvProxy() knows which versions read NODE_USE_ENV_PROXY", () => {
  const cases: [string, boolean | undefined][] = [
    ["v20.20.2", false],
    ["v22.20.0", false],
    ["v22.21.0", true],
    ["v23.11.0", false],
    ["v24.0.0", true],
    ["v26.1.0\n", true],
    ["garbage", undefined],
  ];
  for (const [version, expected] of cases) {
    assert.equal(honoursEnvProxy(version), expected, version);
  }
});
