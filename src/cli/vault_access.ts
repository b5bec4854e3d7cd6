/** Builds the vault's key context for a command: environment, keyring, and a passphrase prompt on a terminal. */

import { platformKeyring } from "../vault/keyring.ts";
import type { KeyContext } from "../vault/key_sources.ts";
import type { Context } from "./command.ts";
import { promptHidden } from "./prompt.ts";

let asked: Promise<string> | undefined;
const CANCELLED = "Cancelled at the vault passphrase prompt";

/** The key context for `ctx`; prompts for a passphrase only when stdin is a terminal. */
export function keyContext(ctx: Context): KeyContext {
  return {
    env: ctx.env,
    paths: ctx.paths,
    keyring: platformKeyring(ctx.env),
    // Asked once per process: a token refresh during `run` re-reads the vault without asking
    // again. A retry, after a wrong one, asks anew and keeps the new answer.
    askPassphrase: Deno.stdin.isTerminal()
      ? (retry?: boolean) => {
        if (retry) asked = promptHidden("Wrong passphrase; try again: ", CANCELLED);
        return asked ??= promptHidden("Vault passphrase: ", CANCELLED);
      }
      : undefined,
  };
}
