import assert from "node:assert/strict";
import { Secret } from "../../secret.ts";
import type { AuthsomeError } from "../../errors.ts";
import { type Clock, parseDeviceAuthorization, pollDeviceToken, realClock } from "./device_code.ts";

/** A clock whose sleeps pass instantly, and a token endpoint that answers from a script. */
function harness(script: (Record<string, unknown> | "down")[]) {
  let now = 0;
  const sleeps: number[] = [];
  const clock: Clock = {
    now: () => now,
    sleep: (ms) => (sleeps.push(ms), now += ms, Promise.resolve()),
    secondMs: 1000,
  };
  const bodies: string[] = [];
  const fetch = (_url: string, init?: RequestInit) => {
    bodies.push(String(init?.body));
    const next = script.length > 1 ? script.shift()! : script[0];
    if (next === "down") return Promise.reject(new TypeError("connection reset"));
    return Promise.resolve(Response.json(next, { status: "error" in next ? 400 : 200 }));
  };
  const endpoint = {
    url: "https://as.example/token",
    client: { clientId: "c", method: "none" as const },
    http: { fetch },
  };
  return { clock, sleeps, bodies, endpoint };
}

const device = (extra: Partial<Parameters<typeof pollDeviceToken>[1]> = {}) => ({
  deviceCode: new Secret("dc"),
  userCode: "U",
  verificationUri: "https://as.example/device",
  expiresIn: 600,
  interval: 5,
  ...extra,
});

Deno.test("pollDeviceToken() waits the interval, adds 5 s on slow_down (RFC 8628 §3.5), returns the tokens", async () => {
  const h = harness([
    { error: "authorization_pending" },
    { error: "slow_down" },
    { error: "authorization_pending" },
    { access_token: "a", expires_in: 10 },
  ]);
  const tokens = await pollDeviceToken(h.endpoint, device(), [], "p", h.clock);
  assert.equal(tokens.accessToken.reveal(), "a");
  assert.deepEqual(h.sleeps, [5000, 5000, 10000, 10000]);
  const form = new URLSearchParams(h.bodies[0]);
  assert.equal(form.get("grant_type"), "urn:ietf:params:oauth:grant-type:device_code");
  assert.equal(form.get("device_code"), "dc");
  assert.equal(form.get("client_id"), "c");
});

Deno.test("pollDeviceToken() ends on access_denied and expired_token, and at expires_in", async () => {
  const denied = harness([{ error: "access_denied" }]);
  await assert.rejects(
    pollDeviceToken(denied.endpoint, device(), [], "p", denied.clock),
    /The sign-in was denied/,
  );
  const expired = harness([{ error: "expired_token" }]);
  await assert.rejects(
    pollDeviceToken(expired.endpoint, device(), [], "p", expired.clock),
    /code expired/,
  );
  const silent = harness([{ error: "authorization_pending" }]);
  await assert.rejects(
    pollDeviceToken(silent.endpoint, device({ expiresIn: 30 }), [], "p", silent.clock),
    /code expired/,
  );
  assert.equal(silent.bodies.length, 5, "polled every 5 s until 30 s had passed");
  const other = harness([{ error: "invalid_client", error_description: "who?" }]);
  await assert.rejects(
    pollDeviceToken(other.endpoint, device(), [], "p", other.clock),
    /refused: invalid_client: who\?/,
  );
});

Deno.test("pollDeviceToken() backs off after a connection failure (RFC 8628 §3.5)", async () => {
  const h = harness(["down", "down", { access_token: "a" }]);
  await pollDeviceToken(h.endpoint, device(), [], "p", h.clock);
  assert.deepEqual(h.sleeps, [5000, 10000, 20000]);
});

Deno.test("pollDeviceToken() stops when the signal aborts (Ctrl-C)", async () => {
  const h = harness([{ error: "authorization_pending" }]);
  const abort = new AbortController();
  setTimeout(() => abort.abort(), 10);
  await assert.rejects(
    pollDeviceToken(h.endpoint, device(), [], "p", realClock, abort.signal),
    (e: AuthsomeError) => e.code === "cancelled",
  );
  assert.equal(h.bodies.length, 0);
});

Deno.test("parseDeviceAuthorization() reads RFC 8628 §3.2 and Google's verification_url", () => {
  const google = parseDeviceAuthorization({
    device_code: "d",
    user_code: "U",
    verification_url: "https://www.google.com/device",
    expires_in: 1800,
  })!;
  assert.equal(google.verificationUri, "https://www.google.com/device");
  assert.equal(google.interval, 5, "5 s when the server names no interval");
  assert.equal(parseDeviceAuthorization({ device_code: "d", user_code: "U" }), undefined);
});

Deno.test("parseDeviceAuthorization() takes only web URLs and strips control characters", () => {
  const parsed = parseDeviceAuthorization({
    device_code: "d",
    user_code: "AB\x1b]0;owned\x07CD",
    verification_uri: "javascript:alert(1)",
  });
  assert.equal(parsed, undefined);
  const ok = parseDeviceAuthorization({
    device_code: "d",
    user_code: "AB\x1bCD",
    verification_uri: "https://as.example/device",
    verification_uri_complete: "file:///etc/passwd",
  })!;
  assert.equal(ok.userCode, "AB CD");
  assert.equal(ok.verificationUriComplete, undefined);
});
