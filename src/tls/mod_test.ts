import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { join } from "node:path";
import { tempDir } from "./_testing.ts";
import { findCa, openRunCa } from "./mod.ts";
import type { RouteHost } from "./provider_names.ts";

const exact = (provider: string, host: string): RouteHost => ({
  provider,
  host: { kind: "exact", host },
});

async function leafFor(run: Awaited<ReturnType<typeof openRunCa>>, host: string) {
  await run.context(host);
  return new X509Certificate(
    await Deno.readTextFile(join(run.ca.paths.leaves, `${host}.pem`)).catch(() =>
      Deno.readTextFile(join(run.second!.paths.leaves, `${host}.pem`))
    ),
  );
}

Deno.test("openRunCa() makes the CA for the routes on first use, and a run reuses it", async () => {
  await using tmp = await tempDir();
  const routes = [exact("openai", "api.openai.com")];
  const first = await openRunCa(tmp.path, routes);
  assert.deepEqual(first.ca.permitted, { dns: ["openai.com"], ip: [] });
  assert.equal(first.second, undefined);
  assert.deepEqual([first.uncovered, first.secondCovers], [[], []]);
  const leaf = await leafFor(first, "api.openai.com");
  assert.ok(leaf.checkIssued(first.ca.cert));
  const again = await openRunCa(tmp.path, routes);
  assert.equal(again.ca.certPem, first.ca.certPem);
  assert.deepEqual(await findCa(tmp.path, routes).then((c) => c?.uncovered), []);
});

Deno.test("openRunCa() certifies a domain the first CA leaves out with the second CA", async () => {
  await using tmp = await tempDir();
  const first = await openRunCa(tmp.path, [exact("openai", "api.openai.com")]);
  const routes = [exact("openai", "api.openai.com"), exact("acme", "api.acme.test")];
  const run = await openRunCa(tmp.path, routes);
  assert.equal(run.ca.certPem, first.ca.certPem, "the first CA stays");
  assert.deepEqual(run.second?.permitted, { dns: ["acme.test"], ip: [] });
  assert.deepEqual(run.secondCovers, [{ provider: "acme", kind: "dns", name: "acme.test" }]);
  assert.deepEqual(run.uncovered, []);
  assert.ok((await leafFor(run, "api.acme.test")).checkIssued(run.second!.cert));
  assert.ok((await leafFor(run, "api.openai.com")).checkIssued(run.ca.cert));
  const checked = await findCa(tmp.path, routes);
  assert.deepEqual(checked?.uncovered, run.secondCovers, "doctor and cert see what it leaves out");
});
