import assert from "node:assert/strict";
import { ROOT } from "./helpers/cli.ts";
import { client } from "./helpers/clients.ts";

const mitmdump = client("mitmdump", "the benchmark's mitmproxy column (Debian package mitmproxy)");
const taskset = client("taskset", "pinning the benchmark's processes to CPUs");

Deno.test({
  name:
    "deno task bench --quick runs every figure for all three columns (proves the script, not the speed)",
  ignore: !mitmdump || !taskset,
}, async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", `${ROOT}scripts/bench.ts`, "--quick", "--no-write"],
    env: { DENO_NO_UPDATE_CHECK: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  assert.match(
    text,
    /^\| figure \| direct \| authsome \| mitmproxy \| authsome\/direct \| authsome\/mitmproxy \|$/m,
  );
  for (
    const figure of [
      "requests/s, 8 keep-alive conn",
      "new connection",
      "first response ms after the handshake",
      "new connections/s, 8 clients",
      "proxy RSS MB just after start",
      "1 MiB download",
      "SSE lag p50",
      "proxy peak RSS",
    ]
  ) {
    assert.match(text, new RegExp(`^\\| ${figure.replace(/[/()+]/g, "\\$&")}.*\\|$`, "m"), figure);
  }
  assert.match(text, /Requests without the injected header at the origin: 0\./);
});
