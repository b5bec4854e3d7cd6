/**
 * Follows the responses streaming back from upstream (RFC 9112 §6.3) without
 * touching them: which status each one had, how many bytes it took, when it
 * ended, and whether the connection switched protocols (101). The proxy
 * relays the bytes as they arrive; this only watches, for the audit log.
 */

import { ChunkedScanner } from "./chunked.ts";

/** One finished response. */
export interface ResponseSeen {
  readonly status: number;
  readonly bytes: number;
}

type State =
  | { kind: "head" }
  | { kind: "length"; remaining: number }
  | { kind: "chunked"; scanner: ChunkedScanner }
  | { kind: "close" }
  | { kind: "raw" };

const CRLFCRLF = [13, 10, 13, 10];
const EMPTY = new Uint8Array(0);
const latin1 = new TextDecoder("latin1");
const HEAD: State = { kind: "head" };
const MAX_HEAD = 256 * 1024;

function indexOfCrlfCrlf(bytes: Uint8Array, from: number): number {
  for (let i = Math.max(0, from); i + 3 < bytes.length; i++) {
    if (bytes[i] === 13 && bytes[i + 1] === 10 && bytes[i + 2] === 13 && bytes[i + 3] === 10) {
      return i;
    }
  }
  return -1;
}

/** Watches one upstream connection's response bytes. */
export class ResponseScanner {
  readonly #methods: string[] = [];
  readonly #onResponse: (response: ResponseSeen) => void;
  #state: State = HEAD;
  #head = EMPTY;
  #status = 0;
  #bytes = 0;

  constructor(onResponse: (response: ResponseSeen) => void) {
    this.#onResponse = onResponse;
  }

  /** Records that a request with `method` was sent, so its response can be framed. */
  expect(method: string): void {
    this.#methods.push(method);
  }

  /** True once a 101 switched the connection to another protocol. */
  get upgraded(): boolean {
    return this.#state.kind === "raw" && this.#status === 101;
  }

  /** Feeds bytes as they pass to the child. */
  push(chunk: Uint8Array): void {
    let offset = 0;
    while (offset < chunk.length) {
      const state = this.#state;
      switch (state.kind) {
        case "raw":
        case "close":
          this.#bytes += chunk.length - offset;
          return;
        case "length": {
          const n = Math.min(state.remaining, chunk.length - offset);
          state.remaining -= n;
          this.#bytes += n;
          offset += n;
          if (state.remaining === 0) this.#finish();
          break;
        }
        case "chunked": {
          const step = state.scanner.push(chunk.subarray(offset));
          if (step.kind === "reject") {
            this.#state = { kind: "raw" };
            break;
          }
          this.#bytes += step.consumed;
          offset += step.consumed;
          if (step.done) this.#finish();
          break;
        }
        case "head":
          offset = this.#readHead(chunk, offset);
          break;
      }
    }
  }

  /** Upstream closed: a response delimited by the close ends here. */
  end(): void {
    if (this.#state.kind === "close") this.#finish();
  }

  #readHead(chunk: Uint8Array, offset: number): number {
    const previous = this.#head.length;
    // The common case, a whole head inside one chunk, needs no copy.
    let view = chunk.subarray(offset);
    if (previous > 0) {
      view = new Uint8Array(previous + view.length);
      view.set(this.#head);
      view.set(chunk.subarray(offset), previous);
    }
    const end = indexOfCrlfCrlf(view, previous - 3);
    if (end === -1) {
      this.#head = view.slice();
      if (view.length > MAX_HEAD) this.#state = { kind: "raw" };
      return chunk.length;
    }
    const headLength = end + CRLFCRLF.length;
    this.#head = EMPTY;
    this.#bytes += headLength;
    this.#begin(latin1.decode(view.subarray(0, end)));
    return offset + headLength - previous;
  }

  #begin(head: string): void {
    const lines = head.split("\r\n");
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0])?.[1] ?? NaN);
    if (!Number.isInteger(status)) {
      this.#state = { kind: "raw" };
      return;
    }
    this.#status = status;
    if (status === 101) {
      this.#state = { kind: "raw" };
      this.#methods.shift();
      this.#onResponse({ status, bytes: this.#bytes });
      return;
    }
    if (status < 200) return;
    const method = this.#methods[0] ?? "GET";
    let length: number | undefined;
    let chunked = false;
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(":");
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (name === "transfer-encoding") chunked = /(^|,)\s*chunked\s*$/i.test(value);
      if (name === "content-length") length = Number(value.split(",")[0]);
    }
    if (method === "HEAD" || status === 204 || status === 304) this.#finish();
    else if (chunked) this.#state = { kind: "chunked", scanner: new ChunkedScanner() };
    else if (length !== undefined && Number.isSafeInteger(length) && length >= 0) {
      if (length === 0) this.#finish();
      else this.#state = { kind: "length", remaining: length };
    } else this.#state = { kind: "close" };
  }

  #finish(): void {
    this.#methods.shift();
    this.#onResponse({ status: this.#status, bytes: this.#bytes });
    this.#bytes = 0;
    this.#state = HEAD;
  }
}
