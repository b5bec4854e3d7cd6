import assert from "node:assert/strict";
import type { AuthsomeError } from "../../errors.ts";
import { oauthSchema } from "../../providers/schema.ts";
import {
  availableFlows,
  browserCommand,
  chooseFlow,
  isHeadless,
  type Surroundings,
} from "./flow.ts";

const desktop: Surroundings = { os: "linux", env: { DISPLAY: ":0" }, interactive: true };
const spec = (extra: Record<string, unknown>) =>
  oauthSchema.parse({ token_url: "https://a.example/token", ...extra });

Deno.test("availableFlows() uses the definition's flows, else its endpoints", () => {
  assert.deepEqual(availableFlows(spec({ flows: ["device_code"] })), ["device_code"]);
  assert.deepEqual(
    availableFlows(spec({
      authorization_url: "https://a.example/auth",
      device_authorization_url: "https://a.example/device",
    })),
    ["pkce", "device_code"],
  );
  assert.deepEqual(availableFlows(spec({ dynamic_registration: true })), ["pkce"]);
  assert.deepEqual(availableFlows(spec({})), []);
});

Deno.test("isHeadless(): no display on Linux, CI, or no terminal", () => {
  const rows: [Surroundings, boolean][] = [
    [desktop, false],
    [{ ...desktop, env: { WAYLAND_DISPLAY: "wayland-0" } }, false],
    [{ ...desktop, env: {} }, true],
    [{ ...desktop, env: { DISPLAY: ":0", CI: "true" } }, true],
    [{ ...desktop, env: { DISPLAY: ":0", CI: "false" } }, false],
    [{ ...desktop, interactive: false }, true],
    [{ os: "darwin", env: {}, interactive: true }, false],
    [{ os: "windows", env: {}, interactive: true }, false],
  ];
  for (const [s, expected] of rows) assert.equal(isHeadless(s), expected, JSON.stringify(s));
});

Deno.test("chooseFlow(): requested, else device code when headless, else PKCE first", () => {
  const both = spec({ flows: ["pkce", "device_code"] });
  const headless = { ...desktop, env: {} };
  assert.equal(chooseFlow(undefined, both, desktop, "p"), "pkce");
  assert.equal(chooseFlow(undefined, both, headless, "p"), "device_code");
  assert.equal(chooseFlow("device_code", both, desktop, "p"), "device_code");
  assert.equal(chooseFlow(undefined, spec({ flows: ["pkce"] }), headless, "p"), "pkce");
  assert.equal(
    chooseFlow(undefined, spec({ flows: ["client_credentials"] }), desktop, "p"),
    "client_credentials",
  );
  assert.throws(
    () => chooseFlow("client_credentials", both, desktop, "p"),
    /does not support --flow client_credentials/,
  );
  assert.throws(
    () => chooseFlow("nope", both, desktop, "p"),
    (e: AuthsomeError) => e.hint === "Its flows: pkce, device_code, api_key",
  );
  assert.throws(() => chooseFlow(undefined, spec({}), desktop, "p"), /declares no OAuth flow/);
});

Deno.test("browserCommand(): the platform's opener, BROWSER, or none without a display", () => {
  const url = "https://a.example/auth?x=1&y=2";
  assert.deepEqual(browserCommand(url, desktop), ["xdg-open", url]);
  assert.equal(browserCommand(url, { os: "linux", env: {} }), undefined);
  assert.deepEqual(browserCommand(url, { os: "darwin", env: {} }), ["open", url]);
  assert.deepEqual(browserCommand(url, { os: "windows", env: {} }), [
    "cmd",
    "/c",
    "start",
    "",
    "https://a.example/auth?x=1^&y=2",
  ]);
  assert.deepEqual(browserCommand(url, { os: "linux", env: { BROWSER: "firefox" } }), [
    "firefox",
    url,
  ]);
  assert.equal(browserCommand(url, { os: "darwin", env: { BROWSER: "none" } }), undefined);
});
