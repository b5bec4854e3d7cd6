/**
 * Clients that need more than the proxy and CA variables: wget (GnuTLS),
 * which reads only its wgetrc, and aiohttp, whose default session ignores
 * the proxy variables.
 */

import assert from "node:assert/strict";
import { client, pythonHas } from "./helpers/clients.ts";
import { CANARY, e2e } from "./helpers/run.ts";

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
    const seen = JSON.parse(result.stdout);
    assert.equal(seen.headers.authorization, `Bearer ${CANARY}`);
    assert.equal(seen.headers["x-from-wgetrc"], "kept");
    const mine = `${home}/mine.rc`;
    await Deno.writeTextFile(mine, "header = X-From-Wgetrc: from $WGETRC");
    const named = await t.run([wget!, "-qO-", "https://api.openai.com/v1/wget"], {
      env: { HOME: home, WGETRC: mine },
    });
    assert.equal(named.code, 0, named.stderr);
    assert.equal(JSON.parse(named.stdout).headers["x-from-wgetrc"], "from $WGETRC");
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});
