/** `authsome run [flags] -- CMD ARGS...`: runs CMD behind the injecting proxy and exits with its code. */

import { CredentialSource, parseConnectionChoices } from "../../auth/credentials.ts";
import { AuthsomeError } from "../../errors.ts";
import type { ProxyEvent } from "../../proxy/context.ts";
import { upstreamProxy } from "../../proxy/upstream.ts";
import { parseConnectTo, parseResolve } from "../../proxy/upstream_rules.ts";
import { runChild } from "../../run/child.ts";
import { honoursEnvProxy, isNodeCommand } from "../../run/node_version.ts";
import { prepareRun } from "../../run/prepare.ts";
import { describeUncovered } from "../../tls/constrained_ca.ts";
import { readVault } from "../../vault/store.ts";
import type { Context } from "../command.ts";
import type { Output } from "../output.ts";
import { keyContext } from "../vault_access.ts";

function list(value: unknown): string[] {
  return (value as string[] | undefined) ?? [];
}

async function readCa(file: string): Promise<string> {
  try {
    const pem = await Deno.readTextFile(file);
    if (!pem.includes("-----BEGIN CERTIFICATE-----")) throw new Error("no PEM certificate in it");
    return pem;
  } catch (error) {
    throw new AuthsomeError(
      "usage",
      `Cannot use --upstream-ca "${file}": ${(error as Error).message}`,
    );
  }
}

function reporter(out: Output, verbose: boolean): (event: ProxyEvent) => void {
  const warned = new Set<string>();
  return (event) => {
    switch (event.kind) {
      case "ambiguous":
        if (warned.has(event.host)) return;
        warned.add(event.host);
        out.warn(
          `ambiguous host match for ${event.host}: providers "${event.providers[0]}" and "${
            event.providers[1]
          }" both match; nothing injected`,
        );
        return;
      case "request": {
        if (!verbose) return;
        const e = event.entry;
        const who = e.provider
          ? `${e.provider}/${e.connection ?? "-"}${e.injected ? " injected" : ""}`
          : "no credential";
        out.note(
          `authsome: ${e.method} ${e.host}${e.path} → ${e.status} (${who}, ${e.duration_ms} ms)`,
        );
        return;
      }
      case "tunnel":
        if (verbose) {
          out.note(`authsome: CONNECT ${event.host}:${event.port} tunnelled (no provider)`);
        }
        return;
      case "denied":
        out.warn(
          `refused ${
            event.plain ? "http:// request" : "CONNECT"
          } to ${event.host}:${event.port}: no provider matches (--deny-unmatched)`,
        );
        return;
      case "upstream_error":
        out.warn(`upstream ${event.host}: ${event.message}`);
        return;
      default: {
        const never: never = event;
        return never;
      }
    }
  };
}

async function warnOldNode(out: Output, argv0: string, env: Record<string, string>): Promise<void> {
  if (!isNodeCommand(argv0)) return;
  try {
    const result = await new Deno.Command(argv0, {
      args: ["--version"],
      env,
      clearEnv: true,
      stdout: "piped",
      stderr: "null",
    })
      .output();
    const version = new TextDecoder().decode(result.stdout).trim();
    if (honoursEnvProxy(version) === false) {
      out.warn(
        `${argv0} is Node ${version}, which ignores NODE_USE_ENV_PROXY: its fetch() will bypass authsome's proxy. Use Node 24 or 22.21+`,
      );
    }
  } catch {
    // Not startable: runChild reports it.
  }
}

/** Runs the command. */
export async function run(ctx: Context): Promise<number> {
  const argv = ctx.args.rest;
  if (argv.length === 0) {
    throw new AuthsomeError("usage", "No command to run", {
      hint: "Usage: authsome run [flags] -- CMD ARGS...",
    });
  }
  const values = ctx.args.values;
  const choices = parseConnectionChoices(list(values.connection));
  const upstream = {
    resolve: list(values.resolve).map(parseResolve),
    connectTo: list(values["connect-to"]).map(parseConnectTo),
    caCerts: await Promise.all(list(values["upstream-ca"]).map(readCa)),
    proxy: upstreamProxy(values.upstream as string | undefined, ctx.env),
    noProxy: ctx.env.NO_PROXY ?? ctx.env.no_proxy,
    connectTimeoutMs: 15_000,
  };
  const registry = await ctx.registry();
  const vault = keyContext(ctx);
  const { records } = await readVault(vault);
  const credentials = new CredentialSource(registry, records, choices, { vault });
  if (credentials.connectedProviders().size === 0) {
    ctx.out.warn(
      "no provider has a connection yet: nothing will be injected (authsome login PROVIDER)",
    );
  }
  await using prepared = await prepareRun({
    paths: ctx.paths,
    env: ctx.env,
    registry,
    credentials,
    upstream,
    denyUnmatched: values["deny-unmatched"] === true,
    onEvent: reporter(ctx.out, ctx.flags.verbose),
  });
  for (const name of describeUncovered(prepared.uncovered)) {
    ctx.out.warn(
      `the local CA's name constraints leave out ${name}: clients will refuse its certificates there. Run: authsome cert rotate`,
    );
  }
  if (ctx.flags.verbose) {
    ctx.out.note(`authsome: proxy on 127.0.0.1:${prepared.proxy.port}, run ${prepared.runId}`);
    for (const change of prepared.changes) {
      ctx.out.note(`authsome: ${change.kind} ${change.name} (${change.why})`);
    }
  }
  await warnOldNode(ctx.out, argv[0], prepared.childEnv);
  return await runChild(argv, prepared.childEnv);
}
