/**
 * `authsome inspect PROVIDER`: the definition, where it came from, and its
 * connections, redacted, each with the routes it is sealed to.
 */

import { approveCommand, describeSealed } from "../../auth/binding.ts";
import { getProvider, type Provider } from "../../providers/registry.ts";
import type { Injection } from "../../providers/schema.ts";
import { primaryField } from "../../providers/compile.ts";
import { defaultConnection, listConnections } from "../../vault/connections.ts";
import type { Context } from "../command.ts";
import { EXIT } from "../exit_codes.ts";
import { describeExpiry } from "../time.ts";
import { openConnections } from "../vault_access.ts";
import { apiHosts, connectionView } from "../views.ts";

function describeInjection(injection: Injection, provider: Provider): string {
  switch (injection.type) {
    case "header":
      return `header ${injection.name}: ${injection.prefix ?? ""}{${
        injection.field ?? primaryField(provider.definition)
      }}`;
    case "basic":
      return `header Authorization: Basic base64(${injection.username}:${injection.password})`;
    case "query":
      return `query parameter ${injection.name}={${
        injection.field ?? primaryField(provider.definition)
      }}`;
    default: {
      const never: never = injection;
      return never;
    }
  }
}

/** Runs the command. */
export async function run(ctx: Context): Promise<number> {
  const { records, registry } = await openConnections(ctx);
  const provider = getProvider(registry, ctx.args.positionals[0]);
  const now = Date.now();
  const preferred = defaultConnection(records, provider.name);
  const current = apiHosts(provider);
  const connections = listConnections(records)
    .filter((c) => c.provider === provider.name)
    .map((c) => {
      const sealed = (c.routes ?? []).map(describeSealed);
      return {
        ...connectionView(c, provider, c.name === preferred, now),
        sealed_routes: sealed,
        unapproved_routes: current.filter((route) => !sealed.includes(route)),
      };
    });
  const source = provider.source.kind === "bundled" ? "bundled" : provider.source.path;
  if (ctx.flags.json) {
    ctx.out.json({ name: provider.name, source, definition: provider.definition, connections });
    return EXIT.ok;
  }
  const d = provider.definition;
  ctx.out.line(`${ctx.out.style.bold(d.display_name)} (${d.name}), ${d.auth_type}, from ${source}`);
  // Under the name the file used, so `inspect P | grep host_url` finds it.
  const hostsKey = d.host_url !== undefined ? "host_url" : "api_url";
  ctx.out.line(`${hostsKey}: ${current.join(", ")}`);
  for (const injection of provider.injections) {
    ctx.out.line(`injection: ${describeInjection(injection, provider)}`);
  }
  for (const accepted of d.accepts) {
    ctx.out.line(`accepts: ${describeInjection(accepted, provider)}`);
  }
  if (d.placeholders.length > 0) ctx.out.line(`placeholders: ${d.placeholders.join(", ")}`);
  const exported = Object.entries(d.export).map(([env, field]) => `${env}={${field}}`);
  if (exported.length > 0) ctx.out.line(`export: ${exported.join(", ")}`);
  for (const field of d.fields) {
    ctx.out.line(`field: ${field.name} (${field.label}${field.secret ? ", secret" : ""})`);
  }
  if (d.oauth) {
    const o = d.oauth;
    for (
      const key of [
        "authorization_url",
        "token_url",
        "device_authorization_url",
        "revocation_url",
      ] as const
    ) {
      if (o[key]) ctx.out.line(`oauth.${key}: ${o[key]}`);
    }
    ctx.out.line(`oauth.scopes: ${o.scopes.join(" ") || "-"}`);
  }
  ctx.out.line(`docs_url: ${d.docs_url}`);
  ctx.out.line(`connections: ${connections.length === 0 ? "none" : ""}`);
  for (const c of connections) {
    const extra = Object.entries(c.fields).map(([k, v]) => `${k}=${v}`).join(" ");
    const expiry = describeExpiry(
      c.expires_at === null ? undefined : Date.parse(c.expires_at),
      now,
    );
    const scopes = c.scopes ? ` scopes=${c.scopes.join(",")}` : "";
    ctx.out.line(`  ${c.name}${c.default ? " *" : ""}  ${c.status}  ${expiry}  ${extra}${scopes}`);
    ctx.out.line(`    sealed routes: ${c.sealed_routes.join(", ") || "none"}`);
    if (c.unapproved_routes.length > 0) {
      ctx.out.line(
        `    not approved: ${c.unapproved_routes.join(", ")} (run: ${
          approveCommand(provider.name)
        })`,
      );
    }
  }
  return EXIT.ok;
}
