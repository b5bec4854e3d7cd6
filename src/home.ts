/**
 * `AUTHSOME_HOME` and every path under it. Nothing else in the tree builds a
 * path into the home by hand.
 */

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

/** The platform's path separator. */
const SEP = Deno.build.os === "windows" ? "\\" : "/";

/**
 * `name` inside folder `dir` (what node:path's join does for one plain name,
 * without loading node:path into every command's start-up).
 */
export function inside(dir: string, name: string): string {
  return dir.endsWith("/") || dir.endsWith(SEP) ? `${dir}${name}` : `${dir}${SEP}${name}`;
}

/** Resolves the home from the environment: `AUTHSOME_HOME`, else `~/.authsome`. */
export function homePaths(env: HomeEnv): HomePaths {
  const explicit = env.AUTHSOME_HOME;
  const userHome = env.HOME ?? env.USERPROFILE ?? ".";
  const root = explicit && explicit.length > 0 ? explicit : inside(userHome, ".authsome");
  return {
    root,
    vault: inside(root, "vault.json"),
    vaultLock: inside(root, "vault.lock"),
    masterKey: inside(root, "master.key"),
    providers: inside(root, "providers"),
    ca: inside(root, "ca"),
    auditLog: inside(root, "audit.log"),
    runs: inside(root, "runs"),
    cache: inside(root, "cache"),
  };
}
