/**
 * An incremental scanner for chunked request bodies (RFC 9112 §7.1). It
 * validates and finds the end of the body but never decodes or re-encodes
 * it: the server relays exactly the bytes `push` reports consumed.
 */

import { CLASS, CR, FIELD, HEX, LF, QDTEXT, scanFieldLine, TCHAR, WS } from "./syntax.ts";

/** The outcome of one {@linkcode ChunkedScanner.push}. */
export type ChunkStep =
  /**
   * `consumed` bytes of the input belong to the body. Until `done` that is
   * all of them; once `done`, what follows starts the next request.
   */
  | { readonly kind: "body"; readonly consumed: number; readonly done: boolean }
  | { readonly kind: "reject"; readonly status: 400; readonly reason: string };

/** Limits of a {@linkcode ChunkedScanner}. */
export interface ChunkedLimits {
  /** A chunk-size line or a trailer line, CRLF excluded (default 8 KiB). */
  readonly maxLineBytes?: number;
  /** The whole trailer section (default 64 KiB). */
  readonly maxTrailerBytes?: number;
}

/** Scanner states. */
const SIZE_LINE = 0;
const DATA = 1;
const DATA_CR = 2;
const DATA_LF = 3;
const TRAILER_LINE = 4;
const DONE = 5;
const FAILED = 6;

/** At most 16 hex digits, and a size JavaScript holds exactly. */
const MAX_HEX_DIGITS = 16;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const SEMICOLON = 0x3b;
const EQUALS = 0x3d;

/** Scans one chunked body across any number of `push` calls. */
export class ChunkedScanner {
  #state: number = SIZE_LINE;
  #remaining = 0;
  /** The pending size or trailer line; grows on demand up to #maxLine. */
  #line = new Uint8Array(64);
  #lineLength = 0;
  readonly #maxLine: number;
  #trailerBytes = 0;
  #failure: ChunkStep | undefined;
  readonly #maxTrailer: number;

  constructor(limits: ChunkedLimits = {}) {
    this.#maxLine = (limits.maxLineBytes ?? 8 * 1024) + 2;
    this.#maxTrailer = limits.maxTrailerBytes ?? 64 * 1024;
  }

  /** True once the last chunk and trailer section have been seen. */
  get done(): boolean {
    return this.#state === DONE;
  }

  /** Feeds the next bytes from the connection. After a reject, returns it again. */
  push(bytes: Uint8Array): ChunkStep {
    if (this.#failure !== undefined) return this.#failure;
    if (this.#state === DONE) return { kind: "body", consumed: 0, done: true };
    const n = bytes.length;
    let i = 0;
    while (i < n) {
      switch (this.#state) {
        case DATA: {
          const take = Math.min(this.#remaining, n - i);
          i += take;
          this.#remaining -= take;
          if (this.#remaining === 0) this.#state = DATA_CR;
          break;
        }
        case DATA_CR:
          // RFC 9112 §7.1: chunk = chunk-size [ chunk-ext ] CRLF chunk-data CRLF.
          if (bytes[i++] !== CR) return this.#fail("Chunk data not followed by CRLF");
          this.#state = DATA_LF;
          break;
        case DATA_LF:
          if (bytes[i++] !== LF) return this.#fail("Chunk data not followed by CRLF");
          this.#state = SIZE_LINE;
          break;
        default: {
          const lf = bytes.indexOf(LF, i);
          const stop = lf < 0 ? n : lf + 1;
          const needed = this.#lineLength + (stop - i);
          if (needed > this.#maxLine) {
            return this.#fail(
              this.#state === SIZE_LINE ? "Chunk size line too long" : "Trailer line too long",
            );
          }
          if (needed > this.#line.length) this.#grow(needed);
          this.#line.set(bytes.subarray(i, stop), this.#lineLength);
          this.#lineLength += stop - i;
          i = stop;
          if (lf < 0) break;
          const reason = this.#endLine();
          if (reason !== undefined) return this.#fail(reason);
          if (this.#state === DONE) return { kind: "body", consumed: i, done: true };
        }
      }
    }
    return { kind: "body", consumed: n, done: false };
  }

  #grow(needed: number): void {
    const line = new Uint8Array(Math.min(this.#maxLine, Math.max(needed, this.#line.length * 2)));
    line.set(this.#line.subarray(0, this.#lineLength));
    this.#line = line;
  }

  #fail(reason: string): ChunkStep {
    this.#state = FAILED;
    this.#failure = { kind: "reject", status: 400, reason };
    return this.#failure;
  }

  /** Handles a complete line (ending in LF) in the line buffer; returns a reason to reject. */
  #endLine(): string | undefined {
    const line = this.#line;
    const length = this.#lineLength;
    this.#lineLength = 0;
    // RFC 9112 §2.2: CRLF only; no bare LF.
    if (length < 2 || line[length - 2] !== CR) return "Bare LF as a line terminator";
    if (this.#state === SIZE_LINE) return this.#sizeLine(line, length - 2);
    // RFC 9112 §7.1.2: trailer-section = *( field-line CRLF ), then CRLF.
    this.#trailerBytes += length;
    if (this.#trailerBytes > this.#maxTrailer) return "Trailer section too large";
    if (length === 2) {
      this.#state = DONE;
      return undefined;
    }
    const field = scanFieldLine(line, 0, length);
    if (field.kind === "invalid") return `${field.reason} in a trailer field`;
    if (field.kind === "incomplete" || field.next !== length) return "Malformed trailer field";
    return undefined;
  }

  /** RFC 9112 §7.1: chunk-size = 1*HEXDIG, then chunk-ext, then CRLF. */
  #sizeLine(line: Uint8Array, end: number): string | undefined {
    let i = 0;
    let size = 0;
    while (i < end && (CLASS[line[i]] & HEX) !== 0) {
      if (i === MAX_HEX_DIGITS) return "Chunk size has more than 16 hex digits";
      const c = line[i] | 0x20;
      size = size * 16 + (c <= 0x39 ? c - 0x30 : c - 0x57);
      i++;
    }
    if (i === 0) return "Chunk size is not hexadecimal";
    if (size > Number.MAX_SAFE_INTEGER) return "Chunk size too large";
    const ext = chunkExtensions(line, i, end);
    if (ext !== undefined) return ext;
    if (size === 0) {
      // RFC 9112 §7.1: last-chunk = 1*("0") [ chunk-ext ] CRLF.
      this.#state = TRAILER_LINE;
    } else {
      this.#state = DATA;
      this.#remaining = size;
    }
    return undefined;
  }
}

/**
 * RFC 9112 §7.1.1: chunk-ext = *( BWS ";" BWS chunk-ext-name
 * [ BWS "=" BWS chunk-ext-val ] ), chunk-ext-val = token / quoted-string.
 */
function chunkExtensions(line: Uint8Array, start: number, end: number): string | undefined {
  let i = start;
  const skipWs = () => {
    while (i < end && (CLASS[line[i]] & WS) !== 0) i++;
  };
  while (i < end) {
    skipWs();
    if (i === end || line[i] !== SEMICOLON) return "Malformed chunk size line";
    i++;
    skipWs();
    const name = i;
    while (i < end && (CLASS[line[i]] & TCHAR) !== 0) i++;
    if (i === name) return "Chunk extension name is not a token";
    const afterName = i;
    skipWs();
    if (i === end || line[i] !== EQUALS) {
      i = afterName;
      continue;
    }
    i++;
    skipWs();
    if (i < end && line[i] === QUOTE) {
      const closed = quotedString(line, i, end);
      if (closed < 0) return "Malformed quoted chunk extension value";
      i = closed;
    } else {
      const value = i;
      while (i < end && (CLASS[line[i]] & TCHAR) !== 0) i++;
      if (i === value) return "Chunk extension value is not a token";
    }
  }
  return undefined;
}

/** RFC 9110 §5.6.4: returns the offset past the closing quote, or -1. */
function quotedString(line: Uint8Array, open: number, end: number): number {
  let i = open + 1;
  while (i < end) {
    const c = line[i];
    if (c === QUOTE) return i + 1;
    if (c === BACKSLASH) {
      if (i + 1 === end || (CLASS[line[i + 1]] & FIELD) === 0) return -1;
      i += 2;
    } else if ((CLASS[c] & QDTEXT) !== 0) {
      i++;
    } else {
      return -1;
    }
  }
  return -1;
}
