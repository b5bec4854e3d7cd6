/**
 * `authsome inspect PROVIDER`: the definition, where it came from, and its
 * connections, redacted, each with the routes it is sealed to.
 */

import {
  approveCommand,
  describeSealed,
  describeSealedWith,
  routesToSeal,
  sameInjections,
} from "../../auth/binding.ts";
import { describeRoute } from "../../providers/api_url.ts";
import { getProvider } from "../../providers/registry.ts";
import { primaryField } from "../../providers/compile.ts";
import { describeInjection, describeInjections } from "../../providers/injection_text.ts";
import { defaultConnection, listConnections } from "../../vault/connections.ts";
import type { Context } from "../command.ts";
import { EXIT } from "../exit_codes.ts";
import { describeExpiry } from "../time.ts";
import { openConnections } from "../vault_access.ts";
import { connectionView } from "../views.ts";

/** Runs the command. */
export async function run(ctx: Context): Promise<number> {
  const { records, registry } = await openConnections(ctx);
  const provider = getProvider(registry, ctx.args.positionals[0]);
  const now = Date.now();
  const preferred = defaultConnection(records, provider.name);
  const primary = primaryField(provider.definition);
  const current = routesToSeal(provider);
  const connections = listConnections(records)
    .filter((c) => c.provider === provider.name)
    .map((c) => {
      const sealed = (c.routes ?? []).map((route) => describeSealedWith(route, primary));
      return {
        ...connectionView(c, provider, c.name === preferred, now),
        sealed_routes: (c.routes ?? []).map(describeSealed),
        unapproved_routes: current.filter((route) =>
          !sealed.includes(describeSealedWith(route, primary))
        ).map(describeSealed),
      };
    });
  // Routes of `routes[]` that send the credential their own way or only on some paths.
  const own = provider.routes.filter((route) =>
    route.paths !== undefined || !sameInjections(route.injections, provider.injections)
  );
  const main = provider.routes.filter((route) => !own.includes(route));
  const source = provider.source.kind === "bundled" ? "bundled" : provider.source.path;
  if (ctx.flags.json) {
    ctx.out.json({ name: provider.name, source, definition: provider.definition, connections });
    return EXIT.ok;
  }
  const d = provider.definition;
  ctx.out.line(`${ctx.out.style.bold(d.display_name)} (${d.name}), ${d.auth_type}, from ${source}`);
  // Under the name the file used, so `inspect P | grep host_url` finds it.
  const hostsKey = d.host_url !== undefined ? "host_url" : "api_url";
  ctx.out.line(`${hostsKey}: ${main.map(describeRoute).join(", ")}`);
  for (const injection of provider.injections) {
    ctx.out.line(`injection: ${describeInjection(injection, primary)}`);
  }
  for (const route of own) {
    ctx.out.line(
      `route: ${describeRoute(route)} as ${describeInjections(route.injections, primary)}`,
    );
  }
  for (const accepted of d.accepts) {
    ctx.out.line(`accepts: ${describeInjection(accepted, primary)}`);
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
