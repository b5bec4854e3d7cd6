/**
 * The vault as commands open it: its key context (environment, keyring, and a
 * passphrase prompt on a terminal), and its connections with the registry.
 */

import { hasUnsealed, sealUnsealed } from "../auth/binding.ts";
import type { Registry } from "../providers/registry.ts";
import { platformKeyring } from "../vault/keyring.ts";
import type { KeyContext } from "../vault/key_sources.ts";
import { readVault, type Records, updateVault } from "../vault/store.ts";
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
    beforeRename: ctx.seams?.beforeVaultRename,
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

/** The vault's records and the provider registry, ready for a command that uses connections. */
export interface Opened {
  readonly records: Records;
  readonly registry: Registry;
}

/**
 * Reads the vault, then the registry through the cache the vault
 * authenticates. A vault written by an earlier release, whose connections
 * carry no sealed routes, is sealed to the providers' current routes in one
 * atomic write, and the user is told once.
 */
export async function openConnections(ctx: Context): Promise<Opened> {
  const keys = keyContext(ctx);
  const { records } = await readVault(keys);
  const registry = await ctx.registry(records);
  if (!hasUnsealed(records)) return { records, registry };
  let sealed = 0;
  const updated = await updateVault(keys, (current) => {
    sealed = sealUnsealed(current, registry);
    return current;
  });
  if (sealed > 0) {
    ctx.out.note(
      `authsome: sealed ${sealed} connection(s) from an earlier version to their providers' current hosts; ` +
        "a later change to those hosts needs: authsome providers approve PROVIDER",
    );
  }
  return { records: updated, registry };
}
