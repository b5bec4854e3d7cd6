/**
 * A lock file that serialises vault writes across processes. The holder
 * writes its pid, host and start time; a waiter that finds the holder dead
 * (same host, no such process) removes the stale lock and takes it. A lock
 * that names no holder (its writer was killed between creating the file and
 * writing it) is stale once it is older than any holder needs to write.
 */

import process from "node:process";
import { hostname } from "node:os";
import { AuthsomeError } from "../errors.ts";

interface Holder {
  readonly pid: number;
  readonly host: string;
  readonly since: string;
}

/** How long a waiter waits for a live holder before giving up. */
const WAIT_MS = 30_000;

/** Age after which a lock (or guard) file that names no holder is taken as abandoned. */
const UNNAMED_STALE_MS = 10_000;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === "EPERM";
  }
}

async function readHolder(path: string): Promise<Holder | undefined> {
  try {
    const holder = JSON.parse(await Deno.readTextFile(path));
    return typeof holder?.pid === "number" ? holder : undefined;
  } catch {
    return undefined;
  }
}

async function tryCreate(path: string): Promise<boolean> {
  try {
    using file = await Deno.open(path, { write: true, createNew: true, mode: 0o600 });
    const holder: Holder = { pid: Deno.pid, host: hostname(), since: new Date().toISOString() };
    await file.write(new TextEncoder().encode(JSON.stringify(holder)));
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.AlreadyExists) return false;
    throw new AuthsomeError(
      "vault",
      `Cannot create the vault lock "${path}": ${(error as Error).message}`,
      {
        hint: "Nothing was changed. Check free disk space and permissions",
        cause: error,
      },
    );
  }
}

/** Whether the file at `path` is older than {@linkcode UNNAMED_STALE_MS}. */
async function old(path: string): Promise<boolean> {
  const info = await Deno.stat(path).catch(() => undefined);
  return !!info?.mtime && Date.now() - info.mtime.getTime() > UNNAMED_STALE_MS;
}

/** Whether `now` (the lock as read again) is still the stale lock a waiter saw. */
async function stillStale(path: string, now: Holder | undefined, dead: Holder | undefined) {
  if (!dead) return !now && await old(path);
  return !!now && now.pid === dead.pid && now.since === dead.since;
}

/**
 * Removes a stale lock: a dead holder's, or one naming no holder (`dead`
 * undefined). A second lock file guards the check and the removal, so two
 * waiters that both saw the stale lock cannot remove a lock that one of them
 * has just taken.
 */
async function breakStale(path: string, dead: Holder | undefined): Promise<void> {
  const guard = `${path}.break`;
  if (!(await tryCreate(guard))) {
    if (await old(guard)) await Deno.remove(guard).catch(() => {});
    return;
  }
  try {
    if (await stillStale(path, await readHolder(path), dead)) {
      await Deno.remove(path).catch(() => {});
    }
  } finally {
    await Deno.remove(guard).catch(() => {});
  }
}

/** A held lock; release it with `using` or `release()`. */
export interface HeldLock extends Disposable {
  release(): void;
}

/** Takes the lock at `path`, waiting for a live holder and breaking a dead one's. */
export async function acquireLock(path: string, waitMs = WAIT_MS): Promise<HeldLock> {
  const deadline = Date.now() + waitMs;
  let delay = 5;
  while (!(await tryCreate(path))) {
    const holder = await readHolder(path);
    if (holder ? holder.host === hostname() && !alive(holder.pid) : await old(path)) {
      await breakStale(path, holder);
    }
    if (Date.now() > deadline) {
      const who = holder
        ? `process ${holder.pid} on ${holder.host} since ${holder.since}`
        : "another process";
      throw new AuthsomeError("vault", `The vault is locked by ${who}`, {
        hint: `If no authsome is running, remove "${path}"`,
      });
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 100);
  }
  let held = true;
  const release = () => {
    if (!held) return;
    held = false;
    try {
      Deno.removeSync(path);
    } catch {
      // Already gone: a waiter judged us dead, nothing left to release.
    }
  };
  return { release, [Symbol.dispose]: release };
}
