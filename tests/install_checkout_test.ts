/**
 * `deno task install` (scripts/install_checkout.ts): the `authsome` command it
 * writes runs from any folder, in that folder, prints nothing of its own, and
 * says where it runs from.
 */

import assert from "node:assert/strict";
import { ROOT, testEnv } from "./helpers/cli.ts";

const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

Deno.test("deno task install puts an authsome on PATH that runs in the caller's folder", async () => {
  const root = await Deno.makeTempDir({ prefix: "authsome-install-" });
  try {
    const bin = `${root}/bin`;
    const install = await new Deno.Command(Deno.execPath(), {
      args: ["task", "--quiet", "install", "--dir", bin],
      cwd: ROOT,
      env: { DENO_NO_UPDATE_CHECK: "1", PATH: "/usr/bin:/bin" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(install.code, 0, decode(install.stderr));
    assert.match(decode(install.stderr), new RegExp(`wrote ${bin}/authsome`));
    assert.match(decode(install.stderr), /is not on PATH; add: export PATH=/);

    // Another folder, with a provider file in it named relative to that folder.
    const work = `${root}/work`;
    await Deno.mkdir(work);
    await Deno.writeTextFile(`${work}/mine.json`, "{}");
    const env = testEnv(`${root}/home`, { PATH: `${bin}:/usr/bin:/bin` });
    const sh = (script: string) =>
      new Deno.Command("sh", {
        args: ["-c", script],
        cwd: work,
        env,
        clearEnv: true,
        stdout: "piped",
        stderr: "piped",
      }).output();

    const version = await sh("authsome --version");
    assert.equal(version.code, 0);
    assert.equal(decode(version.stderr), "", "no Task banner or download line");
    const checkout = ROOT.replace(/\/$/, "");
    assert.match(
      decode(version.stdout),
      new RegExp(`^authsome \\S+ \\(deno .*\\) from ${checkout}\n$`),
    );

    const validate = await sh("authsome providers validate mine.json");
    assert.equal(validate.code, 1);
    assert.match(decode(validate.stdout), /^mine\.json → name: /m);
    assert.match(decode(validate.stderr), /problem\(s\) in mine\.json/);

    const pwd = await sh("authsome run -- sh -c pwd");
    assert.equal(decode(pwd.stdout), `${await Deno.realPath(work)}\n`, decode(pwd.stderr));
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
