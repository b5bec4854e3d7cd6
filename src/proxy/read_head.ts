/** Reads one request head from a {@linkcode ByteSource}, with an idle and a header timeout. */

import { type ByteSource, concat } from "./byte_source.ts";
import { parseRequestHead, type RequestHead } from "./request_head.ts";

/** A head, the clean end of the connection, or a rejection to answer with. */
export type HeadRead =
  | { readonly kind: "head"; readonly head: RequestHead }
  | { readonly kind: "end" }
  | { readonly kind: "reject"; readonly status: number; readonly reason: string };

function timeout(ms: number): { promise: Promise<null>; cancel: () => void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const promise = new Promise<null>((resolve) => timer = setTimeout(() => resolve(null), ms));
  return { promise, cancel: () => clearTimeout(timer) };
}

/**
 * Reads until a whole head is parsed. Waits `idleMs` for the first byte and
 * `headerMs` for the rest; a client that stalls gets 408-style closing
 * (`end`) before it sends anything, and a rejection once it has.
 */
export async function readHead(
  source: ByteSource,
  idleMs: number,
  headerMs: number,
): Promise<HeadRead> {
  const chunks: Uint8Array[] = [];
  let deadline: number | undefined;
  for (;;) {
    const wait = timeout(deadline === undefined ? idleMs : Math.max(1, deadline - Date.now()));
    const chunk = await Promise.race([source.read(), wait.promise]);
    wait.cancel();
    if (chunk === null) {
      if (chunks.length === 0) return { kind: "end" };
      return {
        kind: "reject",
        status: 400,
        reason: "The request head was cut short or took too long",
      };
    }
    deadline ??= Date.now() + headerMs;
    chunks.push(chunk);
    const buffer = concat(chunks);
    const parsed = parseRequestHead(buffer);
    if (parsed.kind === "incomplete") {
      chunks.length = 0;
      chunks.push(buffer);
      continue;
    }
    if (parsed.kind === "reject") return parsed;
    source.unread(buffer.subarray(parsed.length));
    return { kind: "head", head: parsed.head };
  }
}
