/**
 * `authsome cert status [--json]`: the local CA, the names it may certify, and
 * which trust stores on this machine trust it. Exits 0 when every store found
 * trusts it, 1 when one does not, 3 when there is no CA yet.
 */

import { AuthsomeError } from "../../errors.ts";
import { trustStatus } from "../../tls/trust/mod.ts";
import type { Context } from "../command.ts";
import { EXIT } from "../exit_codes.ts";
import { findProvidersCa, thisMachine, warnUncovered } from "./cert_shared.ts";

/** Runs the command. */
export async function run(ctx: Context): Promise<number> {
  const checked = await findProvidersCa(ctx);
  if (!checked) {
    throw new AuthsomeError("not_found", "There is no local CA yet", {
      hint: "Run: authsome cert install (any authsome run creates it too)",
    });
  }
  const { ca, uncovered } = checked;
  const machine = thisMachine(ctx);
  const statuses = await trustStatus(ca, machine.stores, machine.exec);
  const everywhere = statuses.length > 0 && statuses.every((s) => s.trusted);
  if (ctx.flags.json) {
    ctx.out.json({
      ca: {
        path: ca.paths.cert,
        subject: ca.cert.subject.replaceAll("\n", ", "),
        sha256: ca.cert.fingerprint256,
        not_after: new Date(ca.cert.validTo).toISOString(),
        name_constraints: ca.permitted ?? null,
        uncovered,
      },
      stores: statuses.map(({ store, trusted }) => ({
        store: store.id,
        kind: store.kind,
        label: store.label,
        scope: store.scope,
        trusted,
      })),
      trusted_everywhere: everywhere,
    });
    return everywhere ? EXIT.ok : EXIT.error;
  }
  const permits = ca.permitted
    ? `DNS names under ${ca.permitted.dns.length} domain(s)${
      ca.permitted.ip.length ? ` and ${ca.permitted.ip.length} IP address(es)` : ""
    } (--json lists them)`
    : "any name: made before name constraints (authsome cert rotate adds them)";
  ctx.out.table([
    ["CA", ca.paths.cert],
    ["subject", ca.cert.subject.replaceAll("\n", ", ")],
    ["sha256", ca.cert.fingerprint256],
    ["expires", new Date(ca.cert.validTo).toISOString().slice(0, 10)],
    ["permits", permits],
  ].map(([k, v]) => [k, v]));
  ctx.out.line();
  if (statuses.length === 0) ctx.out.line("No trust store found on this machine");
  else {
    ctx.out.table([
      ["STORE", "SCOPE", "TRUSTED"],
      ...statuses.map(({ store, trusted }) => [
        store.label,
        store.scope,
        trusted ? ctx.out.style.green("yes") : ctx.out.style.red("no"),
      ]),
    ]);
  }
  warnUncovered(ctx, checked);
  return everywhere ? EXIT.ok : EXIT.error;
}
