/**
 * Everything a run sets up before the child starts and removes after: the
 * CA and its bundle, the per-run folder with Python's sitecustomize, the
 * proxy, and the child's environment.
 */

import { join } from "node:path";
import { AuditLog } from "../audit/log.ts";
import type { CredentialSource } from "../auth/credentials.ts";
import { ensurePrivateDir } from "../atomic_file.ts";
import type { HomePaths } from "../home.ts";
import type { Registry } from "../providers/registry.ts";
import type { ProxyEvent } from "../proxy/context.ts";
import { newProxyToken, proxyUrl } from "../proxy/proxy_auth.ts";
import { type RunningProxy, startProxy } from "../proxy/server.ts";
import type { UpstreamConfig } from "../proxy/upstream.ts";
import { systemRoots, writeCaBundle } from "../tls/ca_bundle.ts";
import { caPageResponse } from "../tls/ca_page.ts";
import { openLeafCache } from "../tls/constrained_ca.ts";
import type { NameNeed } from "../tls/name_constraints.ts";
import { applyEnvChanges, childEnvChanges, type EnvChange, sitecustomizeSource } from "./env.ts";

/** What a run needs from the command line. */
export interface RunSetup {
  readonly paths: HomePaths;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly registry: Registry;
  readonly credentials: CredentialSource;
  readonly upstream: UpstreamConfig;
  readonly denyUnmatched: boolean;
  readonly onEvent: (event: ProxyEvent) => void;
}

/** A prepared run: the proxy is listening and the child's environment is ready. */
export interface PreparedRun extends AsyncDisposable {
  readonly runId: string;
  readonly proxy: RunningProxy;
  readonly changes: readonly EnvChange[];
  readonly childEnv: Record<string, string>;
  /** Providers' names the CA's name constraints leave out: `authsome cert rotate` adds them. */
  readonly uncovered: readonly NameNeed[];
}

/** A timeout from the environment (whole milliseconds, at least 1), or the default. */
function timeoutMs(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return value !== undefined && Number.isInteger(n) && n > 0 ? n : fallback;
}

/** Starts the proxy and builds the child's environment; dispose to stop and clean up. */
export async function prepareRun(setup: RunSetup): Promise<PreparedRun> {
  const runId = [...crypto.getRandomValues(new Uint8Array(6))].map((b) =>
    b.toString(16).padStart(2, "0")
  ).join("");
  await ensurePrivateDir(setup.paths.root);
  const { leaves, uncovered } = await openLeafCache(setup.paths.ca, setup.registry.routes);
  const runDir = join(setup.paths.runs, runId);
  const pythonDir = join(runDir, "python");
  await ensurePrivateDir(pythonDir);
  const audit = new AuditLog(setup.paths.auditLog);
  let proxy: RunningProxy | undefined;
  const cleanup = async () => {
    await proxy?.close();
    audit.close();
    await Deno.remove(runDir, { recursive: true }).catch(() => {});
  };
  try {
    const bundlePath = join(runDir, "ca-bundle.pem");
    await writeCaBundle(bundlePath, leaves.ca.certPem, await systemRoots({ env: setup.env }));
    await Deno.writeTextFile(join(pythonDir, "sitecustomize.py"), sitecustomizeSource(bundlePath), {
      mode: 0o600,
    });
    const connected = setup.credentials.connectedProviders();
    const token = newProxyToken();
    proxy = await startProxy({
      token,
      runId,
      routes: setup.registry.routes.filter((route) => connected.has(route.provider)),
      credentials: setup.credentials,
      leaf: (host) => leaves.context(host),
      caPage: (method, path) => caPageResponse(method, path, leaves.ca),
      upstream: setup.upstream,
      denyUnmatched: setup.denyUnmatched,
      headerTimeoutMs: timeoutMs(setup.env.AUTHSOME_HEADER_TIMEOUT_MS, 30_000),
      idleTimeoutMs: timeoutMs(setup.env.AUTHSOME_IDLE_TIMEOUT_MS, 300_000),
      emit: (event) => {
        if (event.kind === "request") audit.append(event.entry);
        setup.onEvent(event);
      },
    });
    const placeholders = [...connected].flatMap((name) =>
      setup.registry.providers.get(name)?.definition.placeholders ?? []
    );
    const changes = childEnvChanges({
      parent: setup.env,
      proxyUrl: proxyUrl(token, proxy.port),
      caPath: leaves.ca.paths.cert,
      bundlePath,
      pythonDir,
      placeholders,
      secrets: setup.credentials.secrets().map((secret) => secret.reveal()),
    });
    return {
      runId,
      proxy,
      changes,
      childEnv: applyEnvChanges(setup.env, changes),
      uncovered,
      [Symbol.asyncDispose]: cleanup,
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
