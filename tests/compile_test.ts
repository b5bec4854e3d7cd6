/**
 * `deno task compile` up to the runtime it cannot download here: DENORT_BIN
 * points at this Deno binary, which `deno compile` accepts as the runtime of
 * the host target (the output is not a working authsome, so it is never run).
 * What the binary does is tested through main.ts, the same program.
 */

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { assetName, type Target, TARGETS } from "../scripts/compile.ts";
import { ROOT } from "./helpers/cli.ts";

const host = Deno.build.target as Target;
const linuxHost = Deno.build.os === "linux" && TARGETS.includes(host);

Deno.test({
  name: "deno task compile builds the host target offline with DENORT_BIN, embeds the commands",
  ignore: !linuxHost,
  async fn() {
    const out = await Deno.makeTempDir({ prefix: "authsome-dist-" });
    try {
      const result = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", `${ROOT}scripts/compile.ts`, "--target", host, "--out-dir", out],
        env: { DENORT_BIN: Deno.execPath(), NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" },
        stdout: "piped",
        stderr: "piped",
      }).output();
      const text = new TextDecoder().decode(result.stdout) +
        new TextDecoder().decode(result.stderr);
      assert.equal(result.code, 0, text);
      // The listing `deno compile` prints of what it embedded: a folder is `name/*` when all its
      // files are in, else `┬ name` with the files below (a test file beside a module does that).
      for (const embedded of ["providers", "commands", "zod", "node-forge"]) {
        assert.ok(
          text.includes(`${embedded}/`) || text.includes(`┬ ${embedded} (`),
          `${embedded} not embedded:\n${text}`,
        );
      }
      assert.ok(text.includes("run.ts"), `the run command is not embedded:\n${text}`);
      assert.doesNotMatch(text, /fast-check/, "a test-only package was embedded");
      const binary = await Deno.readFile(join(out, assetName(host)));
      const sha256 = createHash("sha256").update(binary).digest("hex");
      assert.equal(
        await Deno.readTextFile(join(out, "SHA256SUMS")),
        `${sha256}  ${assetName(host)}\n`,
      );
    } finally {
      await Deno.remove(out, { recursive: true });
    }
  },
});

Deno.test("deno task compile refuses DENORT_BIN for more than one target", async () => {
  const result = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${ROOT}scripts/compile.ts`],
    env: { DENORT_BIN: "/nonexistent/denort", NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(result.code, 2);
  assert.match(new TextDecoder().decode(result.stderr), /DENORT_BIN .* --target TARGET/);
});
