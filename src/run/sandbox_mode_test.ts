import assert from "node:assert/strict";
import { isAuthsomeError } from "../errors.ts";
import { sandboxMode } from "./sandbox_mode.ts";

Deno.test("sandboxMode(): the flag wins, else AUTHSOME_SANDBOX, else off", () => {
  const table: [string | boolean | undefined, string | undefined, string][] = [
    [undefined, undefined, "off"],
    [undefined, "1", "on"],
    [undefined, "network", "network"],
    [undefined, "0", "off"],
    [undefined, "", "off"],
    [true, undefined, "on"],
    [true, "network", "on"],
    ["network", undefined, "network"],
    ["off", "1", "off"],
    ["on", "0", "on"],
  ];
  for (const [flag, env, want] of table) {
    assert.equal(sandboxMode(flag, { AUTHSOME_SANDBOX: env }), want, `${flag} ${env}`);
  }
  assert.throws(
    () => sandboxMode("net", {}),
    (e) => isAuthsomeError(e, "usage") && /Unknown sandbox "net" in --sandbox/.test(e.message),
  );
  assert.throws(() => sandboxMode(undefined, { AUTHSOME_SANDBOX: "yes" }), /AUTHSOME_SANDBOX/);
});
