/** Builds the vault's key context for a command: environment, keyring, and a passphrase prompt on a terminal. */

import { platformKeyring } from "../vault/keyring.ts";
import type { KeyContext } from "../vault/key_sources.ts";
import type { Context } from "./command.ts";
import { promptHidden } from "./prompt.ts";

/** The key context for `ctx`; prompts for a passphrase only when stdin is a terminal. */
export function keyContext(ctx: Context): KeyContext {
  return {
    env: ctx.env,
    paths: ctx.paths,
    keyring: platformKeyring(ctx.env),
    askPassphrase: Deno.stdin.isTerminal() ? () => promptHidden("Vault passphrase: ") : undefined,
  };
}
