/**
 * doctor's protection checks: what keeps the vault key away from the child
 * of `run` on this machine, and what each missing protection means.
 */

import type { HomePaths } from "../../home.ts";
import { applyProtection, protectionPlan } from "../../run/protect.ts";
import { judgeSandbox } from "../../run/sandbox.ts";
import { probeSandbox } from "../../run/sandbox_probe.ts";
import { type KeySourceKind, parseVaultFile } from "../../vault/format.ts";
import type { Context } from "../command.ts";
import type { Check } from "./cert_checks.ts";

/** Who else can reach the vault key, by where it lives. Pure. */
export function keyExposure(kind: KeySourceKind | undefined, paths: HomePaths): Check {
  const name = "key reach";
  const sandbox = "run --sandbox keeps the child from it";
  switch (kind) {
    case undefined:
      return { name, ok: true, detail: "no vault yet" };
    case "env":
    case "passphrase": {
      const variable = kind === "env" ? "AUTHSOME_MASTER_KEY" : "AUTHSOME_PASSPHRASE";
      return {
        name,
        ok: true,
        warn: true,
        detail:
          `${variable}: every process started with it holds it (the shell that runs authsome, and that shell's other children); run hides it from the child, and its own copy is unreadable while it runs`,
        hint:
          `Set ${variable} only on the authsome command line, never exported in the agent's shell`,
      };
    }
    case "file":
      return {
        name,
        ok: true,
        warn: true,
        detail: `the key file ${paths.masterKey} is readable by every program you run; ${sandbox}`,
        hint: "Use run --sandbox (or AUTHSOME_SANDBOX=1) for agents",
      };
    case "keyring":
      return {
        name,
        ok: true,
        warn: true,
        detail: `any program you run can ask the OS keyring for the key; ${sandbox}`,
        hint: "Use run --sandbox (or AUTHSOME_SANDBOX=1) for agents",
      };
    default: {
      const never: never = kind;
      return never;
    }
  }
}

async function keySource(paths: HomePaths): Promise<KeySourceKind | undefined> {
  try {
    return parseVaultFile(await Deno.readTextFile(paths.vault), paths.vault).key_source;
  } catch {
    return undefined;
  }
}

/** The protection checks, each a warning (never a failure) when missing. */
export async function protectionChecks(ctx: Context): Promise<Check[]> {
  const protection = applyProtection(protectionPlan(Deno.build.os));
  const sandbox = judgeSandbox(await probeSandbox(false, ctx.env));
  const network = judgeSandbox(await probeSandbox(true, ctx.env));
  return [
    protection.kind === "applied"
      ? { name: "non-dumpable", ok: true, detail: `run's process is ${protection.name}` }
      : {
        name: "non-dumpable",
        ok: true,
        warn: true,
        detail:
          `not available (${protection.reason}): the child of run, running as you, can read the vault key from run's memory`,
        hint: "Use run --sandbox, where the child cannot see run's process",
      },
    sandbox.kind === "ok"
      ? { name: "sandbox", ok: true, detail: `run --sandbox works (${sandbox.tool})` }
      : {
        name: "sandbox",
        ok: true,
        warn: true,
        detail:
          `run --sandbox refuses to start: ${sandbox.reason}. Without it the child can read the key file, ask the keyring, and run authsome export`,
        hint: sandbox.fix,
      },
    network.kind === "ok"
      ? { name: "network namespace", ok: true, detail: "run --sandbox=network works" }
      : {
        name: "network namespace",
        ok: true,
        warn: true,
        detail:
          `run --sandbox=network refuses to start: ${network.reason}. Without it a client that ignores the proxy variables goes around the proxy`,
        hint: network.fix,
      },
    keyExposure(await keySource(ctx.paths), ctx.paths),
  ];
}
