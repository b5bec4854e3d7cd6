/**
 * `authsome doctor --clients`: a real run, set up in a throwaway home with one
 * made-up provider for the check host and a made-up key, whose proxy sends
 * the check host to a local endpoint. Each client found on PATH makes one
 * request in the environment `run` gives a child; the relay in front of the
 * proxy and the endpoint say what happened. Nothing leaves 127.0.0.1, and
 * the user's home, vault and CA are not touched.
 */

import { join } from "node:path";
import { sealOf } from "../auth/binding.ts";
import { CredentialSource } from "../auth/credentials.ts";
import { homePaths } from "../home.ts";
import { loadRegistry } from "../providers/registry.ts";
import { parseConnectTo } from "../proxy/upstream_rules.ts";
import { Secret } from "../secret.ts";
import { putConnection } from "../vault/connections.ts";
import { CHECK_HOST, startCheckOrigin, startProxyRelay } from "./check_servers.ts";
import {
  type ClientRow,
  judge,
  missingRow,
  type Probe,
  PROBES,
  versionOf,
} from "./client_probes.ts";
import { prepareRun } from "./prepare.ts";

/** The made-up provider whose only host is the check host. */
const CHECK_PROVIDER = "authsome-check";

/** How long one client may take (a first `go run` compiles). */
const PROBE_TIMEOUT_MS = 120_000;

const hex = (bytes: number) =>
  [...crypto.getRandomValues(new Uint8Array(bytes))].map((b) => b.toString(16).padStart(2, "0"))
    .join("");

function onPath(program: string, env: Readonly<Record<string, string>>): string | undefined {
  for (const dir of (env.PATH ?? "").split(":")) {
    if (!dir) continue;
    try {
      const path = join(dir, program);
      if (Deno.statSync(path).isFile) return path;
    } catch {
      // Not in this folder.
    }
  }
  return undefined;
}

interface Ran {
  readonly code?: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function runFor(
  argv: readonly string[],
  env: Record<string, string>,
  cwd: string,
  timeoutMs: number,
): Promise<Ran> {
  try {
    const out = await new Deno.Command(argv[0], {
      args: argv.slice(1),
      env,
      clearEnv: true,
      cwd,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(timeoutMs),
    }).output();
    const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
    return {
      code: out.signal ? undefined : out.code,
      stdout: text(out.stdout),
      stderr: out.signal ? `stopped after ${timeoutMs / 1000} s` : text(out.stderr),
    };
  } catch (error) {
    return { stdout: "", stderr: (error as Error).message };
  }
}

/** Where the check writes: a provider file, the throwaway home, the endpoint's CA. */
async function checkHome(dir: string): Promise<ReturnType<typeof homePaths>> {
  const paths = homePaths({ AUTHSOME_HOME: join(dir, "home") });
  await Deno.mkdir(paths.providers, { recursive: true });
  await Deno.writeTextFile(
    join(paths.providers, `${CHECK_PROVIDER}.json`),
    JSON.stringify({
      name: CHECK_PROVIDER,
      display_name: "authsome doctor check",
      auth_type: "api_key",
      api_url: CHECK_HOST,
      injection: { type: "header", name: "Authorization", prefix: "Bearer " },
      docs_url: "https://authsome.local/",
    }),
  );
  return paths;
}

/** Runs every probe found on the PATH of `env` and returns their rows, in table order. */
export async function checkClients(
  env: Readonly<Record<string, string | undefined>>,
  probes: readonly Probe[] = PROBES,
): Promise<ClientRow[]> {
  const dir = await Deno.makeTempDir({ prefix: "authsome-doctor-" });
  try {
    const paths = await checkHome(dir);
    const registry = await loadRegistry(paths.providers);
    const key = `check-${hex(16)}`;
    const records = new Map<string, unknown>();
    const now = new Date().toISOString();
    putConnection(records, {
      provider: CHECK_PROVIDER,
      name: "default",
      authType: "api_key",
      fields: { api_key: new Secret(key) },
      createdAt: now,
      updatedAt: now,
      ...sealOf(registry.providers.get(CHECK_PROVIDER)!),
    }, false);
    await using origin = await startCheckOrigin(join(dir, "origin"));
    await using prepared = await prepareRun({
      paths,
      env,
      registry,
      credentials: new CredentialSource(registry, records, new Map()),
      upstream: {
        resolve: [],
        connectTo: [parseConnectTo(`${CHECK_HOST}:443:127.0.0.1:${origin.port}`)],
        caCerts: [origin.caPem],
        connectTimeoutMs: 5_000,
      },
      denyUnmatched: false,
      onEvent: () => {},
    });
    await using relay = await startProxyRelay(prepared.proxy.port);
    const proxyUrl = prepared.childEnv.HTTPS_PROXY;
    const relayUrl = proxyUrl.replace(`:${prepared.proxy.port}`, `:${relay.port}`);
    const childEnv = Object.fromEntries(
      Object.entries(prepared.childEnv).map(([name, value]) => [
        name,
        value === proxyUrl ? relayUrl : value,
      ]),
    );
    childEnv.GIT_TERMINAL_PROMPT = "0";
    const token = new URL(proxyUrl).password;
    const work = join(dir, "work");
    await Deno.mkdir(work);
    const versions = new Map<string, string | undefined>();
    const rows: ClientRow[] = [];
    for (const probe of probes) {
      const program = onPath(probe.program, childEnv);
      if (!program) {
        rows.push(missingRow(probe, "not found on PATH"));
        continue;
      }
      const versionKey = `${program} ${probe.module ?? ""}`;
      if (!versions.has(versionKey)) {
        const ran = await runFor([program, ...probe.versionArgs], childEnv, work, 30_000);
        versions.set(versionKey, ran.code === 0 ? versionOf(ran.stdout) ?? "" : undefined);
      }
      const version = versions.get(versionKey);
      if (version === undefined) {
        rows.push(missingRow(probe, probe.module ? `${probe.module} not installed` : "broken"));
        continue;
      }
      for (const [name, text] of Object.entries(probe.files ?? {})) {
        await Deno.writeTextFile(join(work, name), text);
      }
      relay.take();
      origin.arrivals.length = 0;
      const url = `https://${CHECK_HOST}/${probe.id}`;
      const ran = await runFor(
        [program, ...probe.args(url, work)],
        childEnv,
        work,
        PROBE_TIMEOUT_MS,
      );
      const arrived = origin.arrivals.filter((a) => a.probe === probe.id);
      const lastError = ran.stderr.trim().split("\n").filter((l) => !l.startsWith("authsome:"))
        .pop()?.replaceAll(token, "<token>").slice(0, 300);
      rows.push(judge(probe, version || undefined, {
        ...relay.take(),
        arrived: arrived.length,
        withCredential: arrived.filter((a) => a.authorization === `Bearer ${key}`).length,
        exitCode: ran.code,
        lastError: lastError || undefined,
      }));
    }
    return rows;
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}
