/** `authsome log [-n N] [--json] [--follow]`: the audit log of proxied requests. */

import { type AuditEntry, parseAuditLines } from "../../audit/log.ts";
import { whyNotInjected } from "../../audit/why.ts";
import { AuthsomeError } from "../../errors.ts";
import type { Context } from "../command.ts";
import type { logSpec } from "../command_specs.ts";
import { EXIT } from "../exit_codes.ts";

function line(e: AuditEntry): string {
  const who = e.provider ? `${e.provider}/${e.connection ?? "-"}` : "-";
  const injected = e.injected ? "injected" : `not injected (${whyNotInjected(e)})`;
  return `${e.time}  ${e.run}  ${e.method} ${e.host}${e.path}  ${e.status}  ${who}  ${injected}  ↑${e.bytes_up} ↓${e.bytes_down}  ${e.duration_ms}ms${
    e.error ? `  ${e.error}` : ""
  }`;
}

async function readText(path: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return "";
    throw error;
  }
}

/** Runs the command. */
export async function run(ctx: Context<typeof logSpec.options>): Promise<number> {
  const raw = ctx.args.values.lines ?? "20";
  const count = Number(raw);
  if (!Number.isInteger(count) || count < 0) {
    throw new AuthsomeError("usage", `-n takes a whole number, not "${raw}"`);
  }
  const show = (entries: AuditEntry[]) => {
    for (const entry of entries) {
      ctx.flags.json ? ctx.out.raw(`${JSON.stringify(entry)}\n`) : ctx.out.line(line(entry));
    }
  };
  const text = await readText(ctx.paths.auditLog);
  const entries = parseAuditLines(text);
  if (entries.length === 0) {
    ctx.out.note(
      `The audit log is empty: no request has gone through authsome run yet (${ctx.paths.auditLog})`,
    );
  }
  show(entries.slice(-count || Infinity).slice(count === 0 ? Infinity : 0));
  if (!ctx.args.values.follow) return EXIT.ok;
  let offset = new TextEncoder().encode(text).length;
  let partial = "";
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    const info = await Deno.stat(ctx.paths.auditLog).catch(() => undefined);
    if (!info || info.size <= offset) continue;
    using file = await Deno.open(ctx.paths.auditLog);
    await file.seek(offset, Deno.SeekMode.Start);
    const bytes = new Uint8Array(info.size - offset);
    let read = 0;
    while (read < bytes.length) {
      const n = await file.read(bytes.subarray(read));
      if (n === null) break;
      read += n;
    }
    offset += read;
    const chunk = partial + new TextDecoder().decode(bytes.subarray(0, read));
    const cut = chunk.lastIndexOf("\n") + 1;
    partial = chunk.slice(cut);
    show(parseAuditLines(chunk.slice(0, cut)));
  }
}
