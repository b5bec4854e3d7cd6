/**
 * `authsome doctor --clients`: runs each HTTP client found on PATH in the
 * environment `run` gives a child, against a check endpoint on 127.0.0.1,
 * and prints per client whether it uses the proxy, sends the per-run token,
 * trusts the CA and gets the credential through, with a fix for each failure.
 * Exits 1 when a client that is there fails.
 */

import type { Answer, ClientRow } from "../../run/client_probes.ts";
import { checkClients } from "../../run/client_check.ts";
import type { Context } from "../command.ts";
import { EXIT } from "../exit_codes.ts";

function cell(ctx: Context, answer: Answer): string {
  return answer === null ? "-" : answer ? ctx.out.style.green("OK") : ctx.out.style.red("FAIL");
}

/** Runs the check and prints the table, or `--json`. */
export async function run(ctx: Context): Promise<number> {
  const rows: ClientRow[] = await checkClients(ctx.env);
  const ok = rows.every((row) => row.ok);
  if (ctx.flags.json) {
    ctx.out.json({ ok, clients: rows });
    return ok ? EXIT.ok : EXIT.error;
  }
  const table = [["CLIENT", "VERSION", "PROXY", "TOKEN", "CA", "CREDENTIAL"]];
  for (const row of rows.filter((r) => !r.missing)) {
    table.push([
      row.client,
      row.version ?? "?",
      cell(ctx, row.proxy),
      cell(ctx, row.token),
      cell(ctx, row.ca),
      cell(ctx, row.credential),
    ]);
  }
  ctx.out.table(table);
  const missing = rows.filter((r) => r.missing).map((r) => `${r.client} (${r.missing})`);
  if (missing.length > 0) ctx.out.line(`Not checked: ${missing.join(", ")}`);
  for (const row of rows.filter((r) => !r.ok)) {
    ctx.out.line();
    ctx.out.line(`${ctx.out.style.red("FAIL")} ${row.client}: ${row.fix}`);
    if (row.detail) ctx.out.line(`     it said: ${row.detail}`);
  }
  return ok ? EXIT.ok : EXIT.error;
}
