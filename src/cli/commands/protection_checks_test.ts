import assert from "node:assert/strict";
import { homePaths } from "../../home.ts";
import { keyExposure } from "./protection_checks.ts";

Deno.test("keyExposure(): who else reaches the vault key, for each key source", () => {
  const paths = homePaths({ AUTHSOME_HOME: "/h" });
  assert.deepEqual(keyExposure(undefined, paths), {
    name: "key reach",
    ok: true,
    detail: "no vault yet",
  });
  const table = [
    ["env", /AUTHSOME_MASTER_KEY: every process started with it/, /never exported/],
    ["passphrase", /AUTHSOME_PASSPHRASE: every process/, /only on the authsome command line/],
    ["file", /key file \/h\/master\.key is readable by every program/, /run --sandbox/],
    ["keyring", /any program you run can ask the OS keyring/, /run --sandbox/],
  ] as const;
  for (const [kind, detail, hint] of table) {
    const check = keyExposure(kind, paths);
    assert.equal(check.ok, true, "a warning, not a failure");
    assert.equal(check.warn, true);
    assert.match(check.detail, detail);
    assert.match(check.hint ?? "", hint);
  }
});
