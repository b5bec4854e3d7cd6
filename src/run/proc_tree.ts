/** A process's descendants through Linux's /proc, for signals that must skip bwrap. */

function children(pid: number): number[] {
  try {
    const text = Deno.readTextFileSync(`/proc/${pid}/task/${pid}/children`);
    return text.trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** The first process `depth` generations below `pid`, waiting up to `waitMs` for it to appear. */
export async function descendant(
  pid: number,
  depth: number,
  waitMs = 2_000,
): Promise<number | undefined> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    let found: number | undefined = pid;
    for (let i = 0; i < depth && found !== undefined; i++) found = children(found)[0];
    if (found !== undefined || Date.now() >= deadline) return found;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
