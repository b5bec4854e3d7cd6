import assert from "node:assert/strict";
import {
  honoursEnvProxy,
  type NodeApi,
  supportsEnvProxy,
  supportsEnvProxyJs,
} from "./node_version.ts";

const CASES: [string, boolean | undefined, boolean | undefined][] = [
  // version, fetch, https
  ["v18.19.0", false, false],
  ["v20.20.2", false, false],
  ["v22.20.0", false, false],
  ["v22.21.0", true, true],
  ["v23.11.0", false, false],
  ["v24.0.0", true, false],
  ["v24.4.1", true, false],
  ["v24.5.0", true, true],
  ["v26.1.0\n", true, true],
  ["garbage", undefined, undefined],
];

Deno.test("honoursEnvProxy() knows which versions read NODE_USE_ENV_PROXY, per API", () => {
  for (const [version, fetch, https] of CASES) {
    assert.equal(honoursEnvProxy(version), fetch, `${version} fetch`);
    assert.equal(honoursEnvProxy(version, "https"), https, `${version} https`);
  }
});

Deno.test("supportsEnvProxyJs() is the same decision as supportsEnvProxy()", () => {
  for (const api of ["fetch", "https"] as NodeApi[]) {
    const js = new Function("major", "minor", `return ${supportsEnvProxyJs(api)};`);
    for (let major = 16; major <= 27; major++) {
      for (let minor = 0; minor <= 30; minor++) {
        assert.equal(
          js(major, minor),
          supportsEnvProxy(api, major, minor),
          `${api} ${major}.${minor}`,
        );
      }
    }
  }
});
