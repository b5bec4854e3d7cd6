/**
 * Everything a run sets up before the child starts and removes after: the
 * CA and its bundle, the per-run folder with Python's sitecustomize, the
 * proxy, and the child's environment.
 */

import { join } from "node:path";
import { AuditLog, withReason } from "../audit/log.ts";
import type { CredentialSource } from "../auth/credentials.ts";
import { ensurePrivateDir } from "../atomic_file.ts";
import type { HomePaths } from "../home.ts";
import type { Registry } from "../providers/registry.ts";
import type { ProxyEvent } from "../proxy/context.ts";
import { newProxyToken, proxyUrl } from "../proxy/proxy_auth.ts";
import { type RunningProxy, startProxy } from "../proxy/server.ts";
import type { UpstreamConfig } from "../proxy/upstream.ts";
import {
  caPageResponse,
  type NameNeed,
  openRunCa,
  systemRoots,
  writeCaBundle,
} from "../tls/mod.ts";
import { NODE_PRELOAD_FILE, nodePreloadSource } from "./node_preload.ts";
import { readUserWgetrc, WGETRC_FILE, wgetrcSource } from "./wgetrc.ts";
import { applyEnvChanges, childEnvChanges, type EnvChange, sitecustomizeSource } from "./env.ts";
import { randomHex } from "../encoding.ts";
import { OPEN_POLICY, type Policy } from "../policy/mod.ts";

/** What a run needs from the command line. */
export interface RunSetup {
  readonly paths: HomePaths;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly registry: Registry;
  readonly credentials: CredentialSource;
  readonly upstream: UpstreamConfig;
  readonly denyUnmatched: boolean;
  /** What each provider's credential may serve; without it, nothing is limited. */
  readonly policy?: Policy;
  /** The child will run in a sandbox. */
  readonly sandboxed?: boolean;
  readonly onEvent: (event: ProxyEvent) => void;
}

/** A prepared run: the proxy is listening and the child's environment is ready. */
export interface PreparedRun extends AsyncDisposable {
  readonly runId: string;
  readonly proxy: RunningProxy;
  readonly changes: readonly EnvChange[];
  readonly childEnv: Record<string, string>;
  /** The per-run folder: the CA bundle, Python's sitecustomize (and a sandbox's proxy socket). */
  readonly runDir: string;
  /** The CA file the child's CA variables name (both CAs when the second one is in use). */
  readonly caPath: string;
  /** Providers' names neither CA may certify: `authsome cert rotate` adds them. */
  readonly uncovered: readonly NameNeed[];
  /** Providers' names the first CA leaves out, certified by the second (user-domains) CA. */
  readonly secondCovers: readonly NameNeed[];
}

/** A timeout from the environment (whole milliseconds, at least 1), or the default. */
function timeoutMs(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return value !== undefined && Number.isInteger(n) && n > 0 ? n : fallback;
}

/**
 * Waits for every one of `tasks`, then throws the first failure: the run's
 * folder is removed on failure, and no write still in flight may recreate it.
 */
async function allDone<T extends readonly unknown[]>(
  tasks: T,
): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const settled = await Promise.allSettled(tasks);
  const failed = settled.find((result) => result.status === "rejected");
  if (failed) throw failed.reason;
  return settled.map((result) => (result as PromiseFulfilledResult<unknown>).value) as {
    -readonly [K in keyof T]: Awaited<T[K]>;
  };
}

/** Starts the proxy and builds the child's environment; dispose to stop and clean up. */
export async function prepareRun(setup: RunSetup): Promise<PreparedRun> {
  const runId = randomHex(6);
  await ensurePrivateDir(setup.paths.root);
  // Started now, read while the CA opens: neither depends on it, and neither rejects.
  const rootsRead = systemRoots({ env: setup.env });
  const wgetrcRead = readUserWgetrc(setup.env);
  const opened = await openRunCa(setup.paths.ca, setup.registry.routes);
  const { ca, second } = opened;
  const runDir = join(setup.paths.runs, runId);
  const pythonDir = join(runDir, "python");
  const nodeDir = join(runDir, "node");
  const audit = new AuditLog(setup.paths.auditLog);
  let proxy: RunningProxy | undefined;
  const cleanup = async () => {
    await proxy?.close();
    audit.close();
    await Deno.remove(runDir, { recursive: true }).catch(() => {});
  };
  try {
    const [roots, ownWgetrc] = await allDone(
      [
        rootsRead,
        wgetrcRead,
        ensurePrivateDir(pythonDir),
        ensurePrivateDir(nodeDir),
      ] as const,
    );
    const bundlePath = join(runDir, "ca-bundle.pem");
    // Both CAs when there are two: the child's clients trust the second as they trust the first.
    const caPem = [ca.certPem, ...(second ? [second.certPem] : [])].join("\n");
    const caPath = second ? join(runDir, "ca.pem") : ca.paths.cert;
    const nodePreload = join(nodeDir, NODE_PRELOAD_FILE);
    const wgetrc = join(runDir, WGETRC_FILE);
    const mode = 0o600;
    // Files of a folder made for this run alone: written side by side.
    await allDone([
      writeCaBundle(bundlePath, caPem, roots),
      second && Deno.writeTextFile(caPath, caPem, { mode }),
      Deno.writeTextFile(join(pythonDir, "sitecustomize.py"), sitecustomizeSource(bundlePath), {
        mode,
      }),
      Deno.writeTextFile(nodePreload, nodePreloadSource(), { mode }),
      Deno.writeTextFile(wgetrc, wgetrcSource(ownWgetrc, bundlePath), { mode }),
    ]);
    const connected = setup.credentials.connectedProviders();
    const token = newProxyToken();
    // Hosts the proxy found more than one provider for: their log entries say so.
    const ambiguous = new Set<string>();
    proxy = await startProxy({
      token,
      runId,
      routes: setup.registry.routes.filter((route) => connected.has(route.provider)),
      credentials: setup.credentials,
      leaf: opened.context,
      caPage: (method, path) => caPageResponse(method, path, ca),
      upstream: setup.upstream,
      denyUnmatched: setup.denyUnmatched,
      policy: setup.policy ?? OPEN_POLICY,
      served: new Map(),
      headerTimeoutMs: timeoutMs(setup.env.AUTHSOME_HEADER_TIMEOUT_MS, 30_000),
      idleTimeoutMs: timeoutMs(setup.env.AUTHSOME_IDLE_TIMEOUT_MS, 300_000),
      emit: (event) => {
        if (event.kind === "ambiguous") ambiguous.add(event.host);
        if (event.kind === "request") audit.append(withReason(event.entry, ambiguous));
        setup.onEvent(event);
      },
    });
    const placeholders = [...connected].flatMap((name) =>
      setup.registry.providers.get(name)?.definition.placeholders ?? []
    );
    const changes = childEnvChanges({
      parent: setup.env,
      proxyUrl: proxyUrl(token, proxy.port),
      caPath,
      bundlePath,
      pythonDir,
      nodePreload,
      wgetrc,
      placeholders,
      secrets: setup.credentials.secrets().map((secret) => secret.reveal()),
      sandboxed: setup.sandboxed,
    });
    return {
      runId,
      proxy,
      changes,
      childEnv: applyEnvChanges(setup.env, changes),
      runDir,
      caPath,
      uncovered: opened.uncovered,
      secondCovers: opened.secondCovers,
      [Symbol.asyncDispose]: cleanup,
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
