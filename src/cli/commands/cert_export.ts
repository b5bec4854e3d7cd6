/** `authsome cert export [--format pem|der] [-o FILE]`: the local CA certificate, to standard output or a file. */

import { AuthsomeError } from "../../errors.ts";
import { usage } from "../args.ts";
import type { Context } from "../command.ts";
import type { certExportSpec } from "../command_specs.ts";
import { EXIT } from "../exit_codes.ts";
import { openProvidersCa } from "./cert_shared.ts";

/** Runs the command. */
export async function run(ctx: Context<typeof certExportSpec.options>): Promise<number> {
  const format = ctx.args.values.format ?? "pem";
  if (format !== "pem" && format !== "der") {
    throw usage(`Unknown format "${format}"`, "Use --format pem or --format der");
  }
  const output = ctx.args.values.output;
  const { ca } = await openProvidersCa(ctx);
  const bytes = format === "pem" ? new TextEncoder().encode(ca.certPem) : ca.certDer;
  if (output === undefined || output === "-") {
    ctx.out.bytes(bytes);
    return EXIT.ok;
  }
  try {
    await Deno.writeFile(output, bytes, { mode: 0o644 });
  } catch (error) {
    throw new AuthsomeError("invalid", `Cannot write "${output}": ${(error as Error).message}`);
  }
  ctx.out.note(`Wrote the CA certificate (${format.toUpperCase()}) to ${output}`);
  return EXIT.ok;
}
