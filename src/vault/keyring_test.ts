import assert from "node:assert/strict";
import { platformKeyring, windowsScript } from "./keyring.ts";

Deno.test("windowsScript() keeps the account in the environment and the secret on stdin", () => {
  for (const action of ["get", "set", "delete"] as const) {
    const script = windowsScript(action);
    assert.match(script, /\$env:AUTHSOME_KEYRING_ACCOUNT/);
    assert.match(script, /Windows\.Security\.Credentials\.PasswordVault/);
    assert.doesNotMatch(script, /\$args/);
  }
  assert.match(windowsScript("set"), /\[Console\]::In\.ReadToEnd\(\)/);
  assert.match(
    windowsScript("get"),
    /RetrievePassword\(\); \[Console\]::Out\.Write\(\$c\.Password\) \} catch \{ exit 1 \}$/,
  );
});

Deno.test("platformKeyring() is off with AUTHSOME_KEYRING=none", () => {
  assert.equal(platformKeyring({ AUTHSOME_KEYRING: "none" }), undefined);
});
