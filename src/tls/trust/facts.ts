/**
 * What the trust stores need to know about a machine, as a narrow
 * capability: which OS, where home is, which files and programs exist. The
 * stores' builders are pure functions of these facts; tests hand in their own.
 */

import { dirname, join } from "node:path";

/** The operating systems authsome knows trust stores for. */
export type Os = "linux" | "darwin" | "windows";

/** Read-only facts about a machine. */
export interface MachineFacts {
  readonly os: Os;
  /** The user's home folder. */
  readonly home: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** True when `path` exists (file or folder). */
  exists(path: string): boolean;
  /** The names in the folder `path`; empty when it cannot be read. */
  list(path: string): string[];
  /** The absolute path of the program `name` on PATH, if any. */
  which(name: string): string | undefined;
  /** `path` with every symbolic link resolved; `path` itself when that fails. */
  realPath(path: string): string;
  /** True when this process may write `path` without privileges. */
  writable(path: string): boolean;
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

function isFile(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

/** The facts of the machine this process runs on, read lazily from the file system and `env`. */
export function machineFacts(env: Readonly<Record<string, string | undefined>>): MachineFacts {
  const os: Os = Deno.build.os === "darwin"
    ? "darwin"
    : Deno.build.os === "windows"
    ? "windows"
    : "linux";
  const separator = os === "windows" ? ";" : ":";
  const suffixes = os === "windows" ? [".exe", ".cmd", ""] : [""];
  return {
    os,
    home: env.HOME ?? env.USERPROFILE ?? ".",
    env,
    exists,
    list(path) {
      try {
        return [...Deno.readDirSync(path)].map((entry) => entry.name).sort();
      } catch {
        return [];
      }
    },
    which(name) {
      if (name.includes("/")) return isFile(name) ? name : undefined;
      for (const dir of (env.PATH ?? env.Path ?? "").split(separator)) {
        for (const suffix of suffixes) {
          const candidate = join(dir, name + suffix);
          if (dir && isFile(candidate)) return candidate;
        }
      }
      return undefined;
    },
    realPath(path) {
      try {
        return Deno.realPathSync(path);
      } catch {
        return path;
      }
    },
    writable(path) {
      try {
        // Opening for writing without truncating changes nothing.
        Deno.openSync(path, { write: true }).close();
        return true;
      } catch {
        return false;
      }
    },
  };
}

/** The folder two levels up from a program in `bin/`: its installation root (JAVA_HOME). */
export function installRoot(program: string): string {
  return dirname(dirname(program));
}
