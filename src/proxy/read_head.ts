/** Reads one request head from a {@linkcode ByteSource}, with an idle and a header timeout. */

import { type ByteSource, concat } from "./byte_source.ts";
import { parseRequestHead, type RequestHead } from "./request_head.ts";

/** A head, the clean end of the connection, or a rejection to answer with. */
export type HeadRead =
  | { readonly kind: "head"; readonly head: RequestHead }
  | { readonly kind: "end" }
  | { readonly kind: "reject"; readonly status: number; readonly reason: string };

/**
 * Reads until a whole head is parsed. Waits `idleMs` for the first byte and
 * `headerMs` for the rest (deadlines on the source, checked by one sweeper,
 * not a timer per read); a client that stalls before sending anything gets
 * `end`, and a rejection once it has sent part of a head.
 */
export async function readHead(
  source: ByteSource,
  idleMs: number,
  headerMs: number,
): Promise<HeadRead> {
  const chunks: Uint8Array[] = [];
  source.setDeadline(Date.now() + idleMs);
  for (;;) {
    const chunk = await source.read();
    if (chunk === null) {
      source.setDeadline(Infinity);
      if (chunks.length === 0) return { kind: "end" };
      return {
        kind: "reject",
        status: 400,
        reason: "The request head was cut short or took too long",
      };
    }
    if (chunks.length === 0) source.setDeadline(Date.now() + headerMs);
    chunks.push(chunk);
    const buffer = concat(chunks);
    const parsed = parseRequestHead(buffer);
    if (parsed.kind === "incomplete") {
      chunks.length = 0;
      chunks.push(buffer);
      continue;
    }
    source.setDeadline(Infinity);
    if (parsed.kind === "reject") return parsed;
    source.unread(buffer.subarray(parsed.length));
    return { kind: "head", head: parsed.head };
  }
}
