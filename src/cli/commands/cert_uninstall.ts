/** `authsome cert uninstall [--system|--user] [--store KIND]... [--dry-run [--platform NAME]]`: stop trusting the local CA. */

import type { Context } from "../command.ts";
import type { trustStoreOptions } from "../command_specs.ts";
import { trustCommand } from "./cert_trust.ts";

/** Runs the command. */
export function run(ctx: Context<typeof trustStoreOptions>): Promise<number> {
  return trustCommand(ctx, "uninstall");
}
