/**
 * Atomic file replacement: write a temporary file beside the target with its
 * final mode, fsync it, rename it over the target, fsync the folder. A crash
 * at any point leaves either the old file or the new one, never a mix.
 */

import { dirname } from "node:path";

/** Options for {@linkcode writeFileAtomic}. */
export interface AtomicWriteOptions {
  /** The file mode, set when the temporary file is created (never chmod'ed after). */
  readonly mode: number;
  /** Runs between the fsync and the rename: a test stops the writer there to kill it mid-write. */
  readonly beforeRename?: () => Promise<void>;
}

/** Creates `dir` (and its parents) with mode 0700 when missing. */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
}

/** Replaces `path` with `data` atomically. The caller serialises writers. */
export async function writeFileAtomic(
  path: string,
  data: Uint8Array,
  options: AtomicWriteOptions,
): Promise<void> {
  const temp = `${path}.tmp`;
  await Deno.remove(temp).catch(() => {});
  {
    using file = await Deno.open(temp, { write: true, createNew: true, mode: options.mode });
    let rest = data;
    while (rest.length > 0) rest = rest.subarray(await file.write(rest));
    await file.sync();
  }
  await options.beforeRename?.();
  await Deno.rename(temp, path);
  if (Deno.build.os !== "windows") {
    using dir = await Deno.open(dirname(path), { read: true });
    await dir.sync();
  }
}
