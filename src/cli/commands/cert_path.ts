/** `authsome cert path`: the path of the local CA certificate, created on first use. */

import type { Context } from "../command.ts";
import { EXIT } from "../exit_codes.ts";
import { openProvidersCa } from "./cert_shared.ts";

/** Runs the command. */
export async function run(ctx: Context): Promise<number> {
  const { ca } = await openProvidersCa(ctx);
  if (ctx.flags.json) ctx.out.json({ path: ca.paths.cert });
  else ctx.out.line(ca.paths.cert);
  return EXIT.ok;
}
