/**
 * Follows the responses streaming back from upstream, framed by the same
 * {@linkcode bodyFraming} as requests (RFC 9112 §6.3): which status each one
 * had, how many bytes it took, when it ended, and whether the connection
 * switched protocols (101). Bytes pass as they arrive; once the connection
 * has injected a secret, heads are held until complete and every secret in
 * them, and in identity-encoded bodies, is masked (see mask.ts).
 */

import { ChunkedScanner } from "./chunked.ts";
import { bodyFraming } from "./framing.ts";
import { SecretMask } from "./mask.ts";
import type { HeaderField } from "./request_head.ts";
import { PLACEHOLDER } from "../run/env.ts";

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
const FRAMING_FIELDS: ReadonlySet<string> = new Set([
  "transfer-encoding",
  "content-length",
  "content-encoding",
]);

function indexOfCrlfCrlf(bytes: Uint8Array, from: number): number {
  for (let i = Math.max(0, from); i + 3 < bytes.length; i++) {
    if (bytes[i] === 13 && bytes[i + 1] === 10 && bytes[i + 2] === 13 && bytes[i + 3] === 10) {
      return i;
    }
  }
  return -1;
}

function latin1Bytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

/** Watches one upstream connection's response bytes, masking injected secrets. */
export class ResponseScanner {
  readonly #methods: string[] = [];
  readonly #onResponse: (response: ResponseSeen) => void;
  readonly #mask = new SecretMask();
  #state: State = HEAD;
  #head = EMPTY;
  /** How many bytes of the held head already went to the child (before there was a secret). */
  #headPassed = 0;
  #status = 0;
  #bytes = 0;
  /** Whether the current body is masked (identity-encoded, with secrets to mask). */
  #maskBody = false;
  #out: Uint8Array[] = [];
  /** Whether the bytes to send differ from the chunk pushed (a head rewritten, bytes held). */
  #changed = false;

  constructor(onResponse: (response: ResponseSeen) => void) {
    this.#onResponse = onResponse;
  }

  /** Records that a request with `method` was sent, so its response can be framed. */
  expect(method: string): void {
    this.#methods.push(method);
  }

  /** Masks these values (see `secretForms` in mask.ts) in every response from now on. */
  mask(values: readonly string[]): void {
    this.#mask.add(values);
  }

  /** Feeds bytes from upstream; returns the bytes to pass to the child now. */
  push(chunk: Uint8Array): Uint8Array {
    if (!this.#mask.active) {
      this.#scan(chunk);
      return chunk;
    }
    this.#out = [];
    this.#changed = false;
    this.#scan(chunk);
    // Bodies are masked in place: most chunks go out as they came.
    if (!this.#changed) return chunk;
    const out = this.#out;
    if (out.length === 1) return out[0];
    let size = 0;
    for (const part of out) size += part.length;
    const joined = new Uint8Array(size);
    size = 0;
    for (const part of out) {
      joined.set(part, size);
      size += part.length;
    }
    return joined;
  }

  /** Upstream closed: a response delimited by the close ends here; returns held bytes. */
  end(): Uint8Array {
    const rest = this.#maskBody ? this.#mask.body(EMPTY, true) : EMPTY;
    if (this.#state.kind === "close") this.#finish();
    return rest;
  }

  #emit(bytes: Uint8Array, final = false): void {
    if (!this.#mask.active) return;
    const out = this.#maskBody ? this.#mask.body(bytes, final) : bytes;
    if (out !== bytes) this.#changed = true;
    if (out.length > 0) this.#out.push(out);
  }

  #scan(chunk: Uint8Array): void {
    let offset = 0;
    while (offset < chunk.length) {
      const state = this.#state;
      switch (state.kind) {
        case "raw":
        case "close":
          this.#bytes += chunk.length - offset;
          this.#emit(chunk.subarray(offset));
          return;
        case "length": {
          const n = Math.min(state.remaining, chunk.length - offset);
          state.remaining -= n;
          this.#bytes += n;
          this.#emit(chunk.subarray(offset, offset + n), state.remaining === 0);
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
          this.#emit(chunk.subarray(offset, offset + step.consumed), step.done);
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
      this.#changed = true;
      this.#head = view.slice();
      if (!this.#mask.active) this.#headPassed = view.length;
      if (view.length > MAX_HEAD) {
        this.#state = { kind: "raw" };
        this.#head = EMPTY;
        this.#emit(view);
      }
      return chunk.length;
    }
    const headLength = end + CRLFCRLF.length;
    this.#head = EMPTY;
    this.#bytes += headLength;
    const text = latin1.decode(view.subarray(0, headLength));
    this.#begin(text);
    if (this.#mask.active) {
      const masked = this.#mask.text(text, PLACEHOLDER);
      if (previous > 0 || masked !== text) this.#changed = true;
      if (this.#headPassed > 0) this.#out.push(view.subarray(this.#headPassed, headLength));
      else this.#out.push(masked === text ? view.subarray(0, headLength) : latin1Bytes(masked));
    }
    this.#headPassed = 0;
    return offset + headLength - previous;
  }

  #begin(text: string): void {
    const lines = text.slice(0, -4).split("\r\n");
    const m = /^(HTTP\/1\.[01]) (\d{3})/.exec(lines[0]);
    this.#maskBody = false;
    if (!m) {
      this.#state = { kind: "raw" };
      return;
    }
    const status = Number(m[2]);
    this.#status = status;
    if (status === 101) {
      this.#state = { kind: "raw" };
      // Another protocol from here (WebSocket): a server's frames are not XOR-masked, so a
      // same-length replacement keeps every frame valid, as in an identity body.
      this.#maskBody = this.#mask.active;
      this.#methods.shift();
      this.#onResponse({ status, bytes: this.#bytes });
      return;
    }
    if (status < 200) return;
    // Only the fields framing and masking read: Transfer-Encoding, Content-Length, Content-Encoding.
    const headers: HeaderField[] = [];
    let identity = true;
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i];
      const colon = line.indexOf(":");
      if (colon < 14 || colon > 18) continue;
      const name = line.slice(0, colon).trim().toLowerCase();
      if (!FRAMING_FIELDS.has(name)) continue;
      const value = line.slice(colon + 1).trim();
      if (name === "content-encoding") identity &&= value.toLowerCase() === "identity";
      else headers.push([name, value]);
    }
    const version = m[1] as "HTTP/1.1" | "HTTP/1.0";
    const requestMethod = this.#methods[0] ?? "GET";
    const framing = bodyFraming({ headers, version }, { status, requestMethod });
    this.#maskBody = identity && this.#mask.active;
    switch (framing.kind) {
      case "none":
        return this.#finish();
      case "length":
        this.#state = { kind: "length", remaining: framing.length };
        return;
      case "chunked":
        this.#state = { kind: "chunked", scanner: new ChunkedScanner() };
        return;
      case "close":
      case "reject":
        this.#state = { kind: "close" };
        return;
      default: {
        const never: never = framing;
        return never;
      }
    }
  }

  #finish(): void {
    this.#methods.shift();
    this.#onResponse({ status: this.#status, bytes: this.#bytes });
    this.#bytes = 0;
    this.#maskBody = false;
    this.#state = HEAD;
  }
}
