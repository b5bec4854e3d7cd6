import assert from "node:assert/strict";
import { describeConnectError } from "./upstream.ts";

Deno.test("describeConnectError() names TLS failures as TLS with the reason, before DNS", () => {
  const rows: [unknown, RegExp][] = [
    [
      new Error(
        'invalid peer certificate: certificate not valid for name "a.example"; certificate is only valid for DnsName("b.example")',
      ),
      /^TLS verification failed for a\.example: invalid peer certificate: certificate not valid for name/,
    ],
    [
      new Error("invalid peer certificate: UnknownIssuer"),
      /^TLS verification failed for a\.example: invalid peer certificate: UnknownIssuer$/,
    ],
    [
      new Error("failed to lookup address information: Name or service not known"),
      /^cannot resolve a\.example$/,
    ],
    [new Deno.errors.ConnectionRefused("refused"), /^connection refused by a\.example:443$/],
    [new Deno.errors.TimedOut("connect"), /^timed out connecting to a\.example:443$/],
    [new Error("something else"), /^cannot reach a\.example:443: something else$/],
  ];
  for (const [error, want] of rows) {
    assert.match(describeConnectError(error, "a.example", 443), want);
  }
});
