/** `authsome run [flags] -- CMD ARGS...`: runs CMD behind the injecting proxy and exits with its code. */

import { whyNotInjected } from "../../audit/why.ts";
import { approveCommand, routeChanges } from "../../auth/binding.ts";
import { CredentialSource } from "../../auth/credentials.ts";
import { parseConnectionChoices } from "../connection_flags.ts";
import { AuthsomeError } from "../../errors.ts";
import type { ProxyEvent } from "../../proxy/context.ts";
import { upstreamProxy } from "../../proxy/upstream.ts";
import { parseConnectTo, parseResolve } from "../../proxy/upstream_rules.ts";
import { runChild } from "../../run/child.ts";
import { prepareRun } from "../../run/prepare.ts";
import { applyProtection, protectionPlan } from "../../run/protect.ts";
import { sandboxMode } from "../../run/sandbox_mode.ts";
import { describeUncovered } from "../../tls/mod.ts";
import type { Context } from "../command.ts";
import type { runSpec } from "../command_specs.ts";
import type { Output } from "../output.ts";
import { keyContext, openConnections } from "../vault_access.ts";
import { readPolicy } from "../../policy/mod.ts";

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
  const refused = new Set<string>();
  const noCertificate = new Set<string>();
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
        const e = event.entry;
        if (e.error === "authsome_route_not_approved" && !refused.has(e.host)) {
          refused.add(e.host);
          out.warn(
            `refused to send the "${e.provider}" credential to ${e.host}: not an approved route of its connection, or the credential would be sent another way (${
              approveCommand(e.provider ?? "PROVIDER")
            } approves it)`,
          );
        }
        if (!verbose) return;
        const who = e.provider
          ? `${e.provider}/${e.connection ?? "-"} ${
            e.injected ? "injected" : `not injected: ${whyNotInjected(e)}`
          }`
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
      case "certificate_error":
        // Once per cause: a bad CA key fails every host the same way.
        if (noCertificate.has(event.message)) return;
        noCertificate.add(event.message);
        out.warn(`no certificate for ${event.host}, so the child got a 502: ${event.message}`);
        return;
      default: {
        const never: never = event;
        return never;
      }
    }
  };
}

/** The sandbox tool this machine offers for `mode`, with the mode and the launcher; an error when there is none. */
async function sandboxTool(
  mode: "on" | "network",
  env: Readonly<Record<string, string | undefined>>,
) {
  const [{ judgeSandbox, unavailableError }, { probeSandbox }, { launchSandboxed }] = await Promise
    .all([
      import("../../run/sandbox.ts"),
      import("../../run/sandbox_probe.ts"),
      import("../../run/sandbox_launch.ts"),
    ]);
  const verdict = judgeSandbox(await probeSandbox(mode === "network", env));
  if (verdict.kind === "unavailable") throw unavailableError(verdict);
  return { mode, tool: verdict.tool, launch: launchSandboxed };
}

/** Runs the command. */
export async function run(ctx: Context<typeof runSpec.options>): Promise<number> {
  const argv = ctx.args.rest;
  if (argv.length === 0) {
    throw new AuthsomeError("usage", "No command to run", {
      hint: "Usage: authsome run [flags] -- CMD ARGS...",
    });
  }
  const values = ctx.args.values;
  // First, before the vault is read: no program of this user may read the key out of this process.
  const protection = applyProtection(protectionPlan(Deno.build.os));
  if (protection.kind === "unavailable") {
    ctx.out.warn(
      `cannot make this process unreadable to your other programs (${protection.reason}): the child, running as you, could read the vault key from its memory`,
    );
  }
  const sandbox = sandboxMode(values.sandbox, ctx.env);
  // Loaded only for a sandbox, and before the vault is opened or the proxy started: nothing runs unsandboxed.
  const sandboxed = sandbox === "off" ? undefined : await sandboxTool(sandbox, ctx.env);
  const choices = parseConnectionChoices(values.connection);
  const upstream = {
    resolve: values.resolve.map(parseResolve),
    connectTo: values["connect-to"].map(parseConnectTo),
    caCerts: await Promise.all(values["upstream-ca"].map(readCa)),
    proxy: upstreamProxy(values.upstream, ctx.env),
    noProxy: ctx.env.NO_PROXY ?? ctx.env.no_proxy,
    connectTimeoutMs: 15_000,
  };
  const vault = keyContext(ctx);
  const { records, registry } = await openConnections(ctx);
  const policy = await readPolicy({
    file: values.policy,
    allow: values.allow,
    maxRequests: values["max-requests"],
  }, new Set(registry.providers.keys()));
  const credentials = new CredentialSource(registry, records, choices, { vault });
  if (credentials.connectedProviders().size === 0) {
    ctx.out.warn(
      "no provider has a connection yet: nothing will be injected (authsome login PROVIDER)",
    );
  }
  for (const change of routeChanges(records, registry)) {
    if (change.added.length === 0) continue;
    ctx.out.warn(
      `provider "${change.provider}" now declares ${
        change.added.join(", ")
      }, not approved for its connection(s): nothing is injected there. If you made that change, run: ${
        approveCommand(change.provider)
      }`,
    );
  }
  await using prepared = await prepareRun({
    paths: ctx.paths,
    env: ctx.env,
    registry,
    credentials,
    upstream,
    denyUnmatched: values["deny-unmatched"],
    policy,
    sandboxed: sandbox !== "off",
    onEvent: reporter(ctx.out, ctx.flags.verbose),
  });
  for (const name of describeUncovered(prepared.secondCovers)) {
    ctx.out.note(
      `note: ${name} is certified by authsome's second CA, for your own domains: programs started by authsome run trust it; browsers and OS trust stores need: authsome cert install`,
    );
  }
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
  if (sandboxed === undefined) return await runChild(argv, prepared.childEnv);
  await using launch = sandboxed.launch({
    mode: sandboxed.mode,
    tool: sandboxed.tool,
    paths: ctx.paths,
    env: ctx.env,
    runDir: prepared.runDir,
    caPath: prepared.caPath,
    proxyPort: prepared.proxy.port,
    argv,
  });
  if (ctx.flags.verbose) ctx.out.note(`authsome: sandbox: ${launch.argv.join(" ")}`);
  return await runChild(launch.argv, prepared.childEnv, launch.options);
}
