import assert from "node:assert/strict";
import { type NodeApi, supportsEnvProxyJs } from "./node_version.ts";

const CASES: [string, boolean, boolean][] = [
  // version, fetch, https
  ["v18.19.0", false, false],
  ["v20.20.2", false, false],
  ["v22.20.0", false, false],
  ["v22.21.0", true, true],
  ["v23.11.0", false, false],
  ["v24.0.0", true, false],
  ["v24.4.1", true, false],
  ["v24.5.0", true, true],
  ["v26.1.0", true, true],
];

Deno.test("supportsEnvProxyJs() knows which versions read NODE_USE_ENV_PROXY, per API", () => {
  const decide = (api: NodeApi) =>
    new Function("major", "minor", `return ${supportsEnvProxyJs(api)};`) as (
      major: number,
      minor: number,
    ) => boolean;
  const [fetchJs, httpsJs] = [decide("fetch"), decide("https")];
  for (const [version, fetch, https] of CASES) {
    const [major, minor] = version.slice(1).split(".").map(Number);
    assert.equal(fetchJs(major, minor), fetch, `${version} fetch`);
    assert.equal(httpsJs(major, minor), https, `${version} https`);
  }
});
