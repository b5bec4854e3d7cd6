import assert from "node:assert/strict";
import { judge, type Observation, PROBES, versionOf } from "./client_probes.ts";
import { proxyStatuses } from "./check_servers.ts";

const probe = (id: string) => PROBES.find((p) => p.id === id)!;
const fine: Observation = {
  connections: 1,
  connectStatuses: [200],
  arrived: 1,
  withCredential: 1,
  exitCode: 0,
};

Deno.test("judge() answers the four questions in order and fixes the first failure", () => {
  const cases: [
    string,
    string,
    Partial<Observation>,
    [boolean | null, boolean | null, boolean | null, boolean | null],
    RegExp | undefined,
  ][] = [
    ["all fine", "curl", {}, [true, true, true, true], undefined],
    ["git answers the 407 challenge", "git", { connectStatuses: [407, 200] }, [
      true,
      true,
      true,
      true,
    ], undefined],
    [
      "never reached the proxy",
      "curl",
      { connections: 0, connectStatuses: [], arrived: 0, withCredential: 0, exitCode: 6 },
      [false, null, null, null],
      /did not use HTTPS_PROXY.*NO_PROXY/,
    ],
    [
      "old Node fetch",
      "node-fetch",
      { connections: 0, connectStatuses: [], arrived: 0, withCredential: 0, exitCode: 1 },
      [false, null, null, null],
      /Node 20\.20\.2's fetch\(\).*Node 24/,
    ],
    [
      "aiohttp without trust_env",
      "python-aiohttp",
      { connections: 0, connectStatuses: [], arrived: 0, withCredential: 0, exitCode: 1 },
      [false, null, null, null],
      /trust_env=True/,
    ],
    ["no token", "curl", { connectStatuses: [407], arrived: 0, withCredential: 0, exitCode: 56 }, [
      true,
      false,
      null,
      null,
    ], /per-run token/],
    ["CA refused", "wget", { arrived: 0, withCredential: 0, exitCode: 5 }, [
      true,
      true,
      false,
      null,
    ], /does not trust the run's CA: it reads WGETRC/],
    ["no credential", "curl", { withCredential: 0 }, [true, true, true, false], /bug/],
    [
      "failed afterwards",
      "curl",
      { exitCode: 22 },
      [true, true, true, false],
      /failed after the credential arrived/,
    ],
    ["timed out", "go", { exitCode: undefined }, [true, true, true, false], /failed after/],
  ];
  for (const [name, id, change, answers, fix] of cases) {
    const row = judge(probe(id), "20.20.2", { ...fine, ...change, lastError: "boom" });
    assert.deepEqual([row.proxy, row.token, row.ca, row.credential], answers, name);
    assert.equal(row.ok, fix === undefined, name);
    if (fix) {
      assert.match(row.fix ?? "", fix, name);
      assert.equal(row.detail, "boom", name);
    } else assert.equal(row.fix, undefined, name);
  }
});

Deno.test("versionOf() and proxyStatuses() read what clients and the proxy print", () => {
  assert.equal(versionOf("curl 7.88.1 (x86_64-pc-linux-gnu) libcurl/7.88.1"), "7.88.1");
  assert.equal(versionOf("go version go1.19.8 linux/amd64"), "1.19.8");
  assert.equal(versionOf("v20.20.2\n"), "20.20.2");
  assert.equal(versionOf("nothing"), undefined);
  assert.deepEqual(
    proxyStatuses(
      "HTTP/1.1 407 Proxy Authentication Required\r\ncontent-length: 2\r\n\r\n{}HTTP/1.1 200 Connection established\r\n\r\n",
    ),
    [407, 200],
  );
});
