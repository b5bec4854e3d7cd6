/**
 * The real system trust store of this Debian machine (root; CI runs as
 * root): after `cert install --system` a plain `curl https://...` to a local
 * origin with an authsome leaf succeeds without --cacert; after rotate the
 * new CA is trusted and the old one is not; after `cert uninstall` it fails
 * again. Installing and uninstalling twice changes nothing the second time.
 * The store is always restored, also on failure, and checked byte for byte.
 */

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { authsome, tempHome } from "./helpers/cli.ts";
import { client } from "./helpers/clients.ts";
import { homeCa, startLeafOrigin } from "./helpers/leaf_origin.ts";

const BUNDLE = "/etc/ssl/certs/ca-certificates.crt";
const ANCHORS = "/usr/local/share/ca-certificates";
const required = Deno.env.get("AUTHSOME_REQUIRE_CLIENTS") === "1";
const root = Deno.uid() === 0;
if (!root && required) throw new Error("CI must run the system trust store test as root");
if (!root) {
  // deno-lint-ignore no-console
  console.error("skip: the system trust store test needs root (CI runs it as root)");
}
const updater = root ? client("update-ca-certificates", "Debian's system trust store") : undefined;
const curl = root ? client("curl", "checks the system store without --cacert") : undefined;

async function digest(path: string): Promise<string> {
  return createHash("sha256").update(await Deno.readFile(path)).digest("hex");
}

/** curl with the system store only: no CA option, no CA variable. */
async function plainCurl(url: string, resolve: string): Promise<{ code: number; out: string }> {
  const output = await new Deno.Command(curl!, {
    args: ["-sS", "--resolve", resolve, url],
    env: { PATH: "/usr/bin:/bin" },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: output.code, out: decode(output.stdout) + decode(output.stderr) };
}

/** Takes out whatever this test may have left in the store, then rebuilds it. */
async function restore(names: Iterable<string>): Promise<void> {
  for (const name of names) await Deno.remove(`${ANCHORS}/${name}.crt`).catch(() => {});
  await new Deno.Command(updater!, { args: ["--fresh"], stdout: "null", stderr: "null" }).output();
}

Deno.test({
  name: "cert install --system makes curl trust authsome's leaves; uninstall and rotate undo it",
  ignore: !updater || !curl,
}, async () => {
  const before = await digest(BUNDLE);
  await using home = await tempHome();
  const opts = { home: home.path };
  assert.equal((await authsome(["cert", "path"], opts)).code, 0);
  const names = new Set<string>();
  const first = await homeCa(home.path);
  names.add(`authsome-${createHash("sha256").update(first.certDer).digest("hex").slice(0, 16)}`);
  try {
    await using origin = await startLeafOrigin(first, "api.openai.com");
    const untrusted = await plainCurl(origin.url, origin.resolve);
    assert.equal(untrusted.code, 60, `not trusted before install: ${untrusted.out}`);

    const install = await authsome(["cert", "install", "--system"], opts);
    assert.equal(install.code, 0, install.stderr);
    assert.match(
      install.stdout,
      /installed the CA in system store \(Debian\/Ubuntu: update-ca-certificates\)/,
    );
    const again = await authsome(["cert", "install", "--system"], opts);
    assert.equal(again.code, 0, again.stderr);
    assert.match(
      again.stdout,
      /system store \(Debian\/Ubuntu: update-ca-certificates\): already trusts the CA/,
    );
    assert.doesNotMatch(again.stdout, /installed/);
    const trusted = await plainCurl(origin.url, origin.resolve);
    assert.equal(trusted.out, "hello\n", "a plain curl trusts the leaf after install");

    const rotate = await authsome(["cert", "rotate"], opts);
    assert.equal(rotate.code, 0, rotate.stderr);
    assert.match(rotate.stdout, /removed the old CA from system store/);
    assert.match(rotate.stdout, /installed the new CA in system store/);
    const second = await homeCa(home.path);
    names.add(`authsome-${createHash("sha256").update(second.certDer).digest("hex").slice(0, 16)}`);
    assert.equal((await plainCurl(origin.url, origin.resolve)).code, 60, "the old CA is gone");
    await using fresh = await startLeafOrigin(second, "api.openai.com");
    assert.equal(
      (await plainCurl(fresh.url, fresh.resolve)).out,
      "hello\n",
      "the new CA is trusted",
    );

    const uninstall = await authsome(["cert", "uninstall", "--system"], opts);
    assert.equal(uninstall.code, 0, uninstall.stderr);
    assert.match(uninstall.stdout, /removed the CA from system store/);
    const twice = await authsome(["cert", "uninstall", "--system"], opts);
    assert.equal(twice.code, 0, twice.stderr);
    assert.match(
      twice.stdout,
      /system store \(Debian\/Ubuntu: update-ca-certificates\): does not have the CA/,
    );
    assert.doesNotMatch(twice.stdout, /removed/);
    const after = await plainCurl(fresh.url, fresh.resolve);
    assert.equal(after.code, 60, `not trusted after uninstall: ${after.out}`);
    const status = JSON.parse((await authsome(["cert", "status", "--json"], opts)).stdout);
    assert.equal(status.stores.find((s: { kind: string }) => s.kind === "system").trusted, false);
  } finally {
    await authsome(["cert", "uninstall", "--system"], opts);
    if (await digest(BUNDLE) !== before) await restore(names);
  }
  assert.equal(await digest(BUNDLE), before, "the system bundle is back as it was");
});
