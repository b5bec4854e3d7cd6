/**
 * A pull reader over a node socket: `read()` the next chunk, `unread()` what
 * was read too far, `detach()` to hand the socket on (to TLS) with the bytes
 * already received. The socket is paused while enough is queued, so a slow
 * reader applies backpressure all the way to the sender.
 */

import type { Socket } from "node:net";

const HIGH_WATER = 256 * 1024;
/** How often deadlines are checked: one timer for every connection, not one per read. */
const SWEEP_MS = 100;

const watched = new Set<ByteSource>();
let sweeper: ReturnType<typeof setInterval> | undefined;

function sweep(): void {
  const now = Date.now();
  for (const source of watched) if (source.deadline <= now) source.expire();
  if (watched.size === 0) {
    clearInterval(sweeper);
    sweeper = undefined;
  }
}

/** Chunks of a socket, pulled one at a time. */
export class ByteSource {
  readonly #socket: Socket;
  readonly #under: Socket | undefined;
  readonly #queue: Uint8Array[] = [];
  #queued = 0;
  #ended = false;
  #error: Error | undefined;
  #wake: (() => void) | undefined;
  #deadline = Infinity;
  readonly #onData = (chunk: Uint8Array) => {
    this.#queue.push(chunk);
    this.#queued += chunk.length;
    if (this.#queued > HIGH_WATER) {
      this.#socket.pause();
      if (this.#under) stopReading(this.#under);
    }
    this.#notify();
  };
  readonly #onEnd = () => {
    this.#ended = true;
    watched.delete(this);
    this.#notify();
  };
  readonly #onError = (error: Error) => {
    this.#error = error;
    this.#ended = true;
    this.#notify();
  };

  /**
   * Reads `socket`; `under` is the socket a TLS socket wraps, whose reads
   * stop with it (see {@linkcode stopReading}).
   */
  constructor(socket: Socket, under?: Socket) {
    this.#socket = socket;
    this.#under = under;
    socket.on("data", this.#onData);
    socket.on("end", this.#onEnd);
    socket.on("close", this.#onEnd);
    socket.on("error", this.#onError);
    socket.resume();
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  /** When reads give up: a time in ms since the epoch, or Infinity. */
  get deadline(): number {
    return this.#deadline;
  }

  /** Makes reads return null once `at` (ms since the epoch) has passed; Infinity clears it. */
  setDeadline(at: number): void {
    this.#deadline = at;
    if (at === Infinity) {
      watched.delete(this);
      return;
    }
    watched.add(this);
    if (sweeper === undefined) {
      sweeper = setInterval(sweep, SWEEP_MS);
      Deno.unrefTimer(sweeper);
    }
  }

  /** The deadline passed: the stream ends here. */
  expire(): void {
    watched.delete(this);
    this.#ended = true;
    this.#notify();
  }

  /** The next chunk, or null at the end of the stream (or after an error). */
  async read(): Promise<Uint8Array | null> {
    while (this.#queue.length === 0) {
      if (this.#ended) return null;
      await new Promise<void>((resolve) => this.#wake = resolve);
    }
    const chunk = this.#queue.shift()!;
    this.#queued -= chunk.length;
    if (this.#queued <= HIGH_WATER && this.#socket.isPaused()) {
      this.#socket.resume();
      if (this.#under) startReading(this.#under);
    }
    return chunk;
  }

  /** Puts bytes back in front of the stream. */
  unread(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.#queue.unshift(bytes);
    this.#queued += bytes.length;
  }

  /** The error that ended the stream, if any. */
  get error(): Error | undefined {
    return this.#error;
  }

  /** Stops reading and returns the bytes received but not read; the socket stays paused. */
  detach(): Uint8Array {
    watched.delete(this);
    this.#socket.pause();
    this.#socket.off("data", this.#onData);
    this.#socket.off("end", this.#onEnd);
    this.#socket.off("close", this.#onEnd);
    this.#socket.off("error", this.#onError);
    const rest = concat(this.#queue);
    this.#queue.length = 0;
    this.#queued = 0;
    return rest;
  }
}

/** Joins chunks into one array (the chunk itself when there is only one). */
export function concat(chunks: readonly Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/** Writes to a node socket, waiting for `drain` when its buffer is full. */
export function writeSocket(socket: Socket, bytes: Uint8Array): Promise<void> {
  if (socket.destroyed) return Promise.reject(new Error("socket closed"));
  if (socket.write(bytes)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const done = (error?: Error) => {
      socket.off("drain", onDrain);
      socket.off("close", onClose);
      error ? reject(error) : resolve();
    };
    const onDrain = () => done();
    const onClose = () => done(new Error("socket closed"));
    socket.on("drain", onDrain);
    socket.on("close", onClose);
  });
}

/** Writes all of `bytes` to a Deno connection. */
export async function writeConn(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  let rest = bytes;
  while (rest.length > 0) rest = rest.subarray(await conn.write(rest));
}

/** Sockets whose native reads are stopped, so each start matches one stop. */
const stopped = new WeakSet<Socket>();

type NativeReads = { readonly _handle?: { readStart?(): unknown; readStop?(): unknown } };

/**
 * Stops the reads of `socket`'s native handle. A TLS socket built on a
 * socket (Deno's node:tls) reads it to the end whatever is paused: without
 * this, a stalled upstream grew the proxy by the whole upload.
 */
export function stopReading(socket: Socket): void {
  if (stopped.has(socket)) return;
  stopped.add(socket);
  (socket as unknown as NativeReads)._handle?.readStop?.();
}

/** Restarts what {@linkcode stopReading} stopped. */
export function startReading(socket: Socket): void {
  if (!stopped.delete(socket)) return;
  (socket as unknown as NativeReads)._handle?.readStart?.();
}
