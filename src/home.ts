/**
 * `AUTHSOME_HOME` and every path under it. Nothing else in the tree builds a
 * path into the home by hand.
 */

import { join } from "node:path";

/** The environment variables that locate the home. */
export type HomeEnv = Readonly<Record<string, string | undefined>>;

/** Every file and folder authsome writes, under one root. */
export interface HomePaths {
  /** The root, `$AUTHSOME_HOME` or `~/.authsome`. */
  readonly root: string;
  /** The encrypted vault file. */
  readonly vault: string;
  /** The lock file that serialises vault writes. */
  readonly vaultLock: string;
  /** The random master key used when no better key source exists. */
  readonly masterKey: string;
  /** The user's provider definitions. */
  readonly providers: string;
  /** The local certificate authority. */
  readonly ca: string;
  /** The JSONL audit log of proxied requests. */
  readonly auditLog: string;
  /** Per-run temporary files (CA bundles, sitecustomize). */
  readonly runs: string;
  /** Files derived from others, safe to delete (the checked provider definitions). */
  readonly cache: string;
}

/** Resolves the home from the environment: `AUTHSOME_HOME`, else `~/.authsome`. */
export function homePaths(env: HomeEnv): HomePaths {
  const explicit = env.AUTHSOME_HOME;
  const userHome = env.HOME ?? env.USERPROFILE ?? ".";
  const root = explicit && explicit.length > 0 ? explicit : join(userHome, ".authsome");
  return {
    root,
    vault: join(root, "vault.json"),
    vaultLock: join(root, "vault.lock"),
    masterKey: join(root, "master.key"),
    providers: join(root, "providers"),
    ca: join(root, "ca"),
    auditLog: join(root, "audit.log"),
    runs: join(root, "runs"),
    cache: join(root, "cache"),
  };
}
