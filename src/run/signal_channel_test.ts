import assert from "node:assert/strict";
import { receiveSignals, signalSender } from "./signal_channel.ts";

Deno.test("signals written outside arrive inside by name; unknown names are dropped", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/control.sock`;
    const got: Deno.Signal[] = [];
    let receiving: Promise<void> | undefined;
    {
      await using sender = signalSender(path);
      receiving = receiveSignals(path, (signal) => got.push(signal));
      await sender.send("SIGTERM");
      await sender.send("SIGKILL" as Deno.Signal);
      await sender.send("SIGHUP");
    }
    await receiving;
    assert.deepEqual(got, ["SIGTERM", "SIGHUP"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
