/**
 * Clients that need more than the proxy and CA variables: wget (GnuTLS),
 * which reads only its wgetrc, and aiohttp, whose default session ignores
 * the proxy variables.
 */

import assert from "node:assert/strict";
import { client, pythonHas } from "./helpers/clients.ts";
import { CANARY, e2e, MASKED } from "./helpers/run.ts";

const wget = client("wget", "wget trusts the CA through the run's WGETRC");
const python = client(
  "/usr/bin/python3",
  "Debian's python3 with aiohttp (apt install python3-aiohttp)",
  (p) => pythonHas(p, "aiohttp"),
);

Deno.test({
  name: "wget through run: trusts the CA, sends the token, keeps the user's wgetrc",
  ignore: !wget,
}, async () => {
  await using t = await e2e();
  const home = await Deno.makeTempDir({ prefix: "authsome-wget-" });
  try {
    await Deno.writeTextFile(`${home}/.wgetrc`, "header = X-From-Wgetrc: kept\n");
    const result = await t.run([wget!, "-qO-", "https://api.openai.com/v1/wget"], {
      env: { HOME: home },
    });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(t.origin.seen.length, 1);
    const seen = t.origin.seen[0];
    assert.equal(seen.headers.authorization, `Bearer ${CANARY}`);
    assert.equal(seen.headers["x-from-wgetrc"], "kept");
    assert.equal(JSON.parse(result.stdout).headers.authorization, `Bearer ${MASKED}`);
    const mine = `${home}/mine.rc`;
    await Deno.writeTextFile(mine, "header = X-From-Wgetrc: from $WGETRC");
    const named = await t.run([wget!, "-qO-", "https://api.openai.com/v1/wget"], {
      env: { HOME: home, WGETRC: mine },
    });
    assert.equal(named.code, 0, named.stderr);
    assert.equal(t.origin.seen.length, 2);
    assert.equal(t.origin.seen[1].headers.authorization, `Bearer ${CANARY}`);
    assert.equal(t.origin.seen[1].headers["x-from-wgetrc"], "from $WGETRC");
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

const AIOHTTP = `
import asyncio, json, sys
print(json.dumps("aiohttp" in sys.modules))
import aiohttp
async def get(path, **options):
    try:
        async with aiohttp.ClientSession(**options) as session:
            async with session.get("https://api.openai.com/v1/" + path) as response:
                return (await response.json())["headers"]["authorization"]
    except aiohttp.ClientConnectorError as error:
        return "direct: " + type(error).__name__
async def main():
    print(json.dumps([await get("default"), await get("explicit", trust_env=False)]))
asyncio.run(main())
`;

Deno.test({
  name: "aiohttp through run: a default ClientSession uses the proxy, trust_env=False is kept",
  ignore: !python,
}, async () => {
  await using t = await e2e();
  const result = await t.run([python!, "-c", AIOHTTP]);
  assert.equal(result.code, 0, result.stderr);
  const [loaded, sessions] = result.stdout.trim().split("\n").map((l) => JSON.parse(l));
  assert.equal(loaded, false, "aiohttp is not imported before the program imports it");
  assert.equal(sessions[0], `Bearer ${MASKED}`, "the echo is masked");
  assert.match(sessions[1], /^direct: /);
  assert.deepEqual(t.origin.seen.map((s) => [s.path, s.headers.authorization]), [
    ["/v1/default", `Bearer ${CANARY}`],
  ]);
});
