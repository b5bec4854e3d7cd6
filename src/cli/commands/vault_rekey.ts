/** `authsome vault rekey [--to keyring|file|passphrase]`: re-encrypts every record under a new key in one atomic step. */

import { AuthsomeError } from "../../errors.ts";
import type { KeySourceKind } from "../../vault/format.ts";
import { describeSource } from "../../vault/key_sources.ts";
import { readVault, rekeyVault } from "../../vault/store.ts";
import type { Context } from "../command.ts";
import type { vaultRekeySpec } from "../command_specs.ts";
import { EXIT } from "../exit_codes.ts";
import { promptHidden } from "../prompt.ts";
import { readStdinSecret } from "../read_secret.ts";
import { keyContext } from "../vault_access.ts";

const TARGETS = ["keyring", "file", "passphrase"] as const;

async function newPassphrase(ctx: Context<typeof vaultRekeySpec.options>): Promise<string> {
  if (ctx.args.values["passphrase-stdin"]) {
    return (await readStdinSecret("passphrase")).reveal();
  }
  if (!Deno.stdin.isTerminal()) {
    throw new AuthsomeError("usage", "No terminal to ask for the new passphrase", {
      hint: "Pipe it with --passphrase-stdin",
    });
  }
  const first = await promptHidden("New vault passphrase: ");
  if (first.length < 8) {
    throw new AuthsomeError("usage", "The passphrase must have at least 8 characters");
  }
  if (first !== await promptHidden("Repeat it: ")) {
    throw new AuthsomeError("usage", "The passphrases differ; nothing changed");
  }
  return first;
}

/** Runs the command. */
export async function run(ctx: Context<typeof vaultRekeySpec.options>): Promise<number> {
  const keys = keyContext(ctx);
  const to = ctx.args.values.to;
  if (to !== undefined && !TARGETS.includes(to as typeof TARGETS[number])) {
    throw new AuthsomeError("usage", `Unknown key source "${to}"`, {
      hint: `Use one of: ${TARGETS.join(", ")}`,
    });
  }
  const current = (await readVault(keys)).source;
  const target = (to ?? (current === "env" ? undefined : current)) as KeySourceKind | undefined;
  if (target === undefined) {
    throw new AuthsomeError(
      "usage",
      "The vault key comes from AUTHSOME_MASTER_KEY; say where the new key goes",
      {
        hint: "Run: authsome vault rekey --to keyring|file|passphrase",
      },
    );
  }
  const env = target === "passphrase"
    ? { ...ctx.env, AUTHSOME_PASSPHRASE: await newPassphrase(ctx) }
    : ctx.env;
  const result = await rekeyVault(keys, target, { ...keys, env, askPassphrase: undefined });
  if (ctx.flags.json) ctx.out.json(result);
  else {ctx.out.line(
      `Re-encrypted the vault: ${describeSource(result.from, keys.keyring)} → ${
        describeSource(result.to, keys.keyring)
      }`,
    );}
  return EXIT.ok;
}
