/**
 * Raw byte relays between the child's socket (node) and an upstream
 * connection (Deno): blind tunnels, upgraded connections, response streams.
 * Bytes are passed on as they arrive, never buffered whole.
 */

import type { Socket } from "node:net";
import { startReading, stopReading, writeConn, writeSocket } from "./byte_source.ts";

const CHUNK = 16 * 1024;

/** What passes upstream bytes on: each chunk in, the bytes to write out; `end` at upstream's end. */
export interface Filter {
  push(chunk: Uint8Array): Uint8Array;
  end(): Uint8Array;
}

/** Copies upstream bytes to the socket until upstream ends, through `filter`. Ends the socket after. */
export async function upstreamToSocket(
  conn: Deno.Conn,
  socket: Socket,
  filter?: Filter,
): Promise<void> {
  const buffer = new Uint8Array(CHUNK);
  try {
    for (;;) {
      const n = await conn.read(buffer);
      if (n === null) break;
      const chunk = buffer.slice(0, n);
      const out = filter ? filter.push(chunk) : chunk;
      if (out.length > 0) await writeSocket(socket, out);
    }
  } catch {
    // Either side went away; the socket is ended below.
  }
  const rest = filter?.end();
  if (rest && rest.length > 0) await writeSocket(socket, rest).catch(() => {});
  if (!socket.destroyed) socket.end();
}

/**
 * Copies socket bytes to upstream until the socket ends, then half-closes
 * upstream; `under`, the socket a TLS socket reads, stops with it.
 */
export function socketToUpstream(
  socket: Socket,
  conn: Deno.Conn,
  first?: Uint8Array,
  under?: Socket,
): Promise<void> {
  return new Promise((resolve) => {
    let chain = first && first.length > 0 ? writeConn(conn, first) : Promise.resolve();
    const finish = () => {
      socket.off("data", onData);
      chain.then(() => conn.closeWrite()).catch(() => {}).finally(resolve);
    };
    const onData = (chunk: Uint8Array) => {
      socket.pause();
      if (under) stopReading(under);
      chain = chain.then(() => writeConn(conn, chunk)).then(
        () => {
          socket.resume();
          if (under) startReading(under);
        },
        () => void socket.destroy(),
      );
    };
    socket.on("data", onData);
    socket.once("end", finish);
    socket.once("close", finish);
    socket.resume();
    if (under) startReading(under);
  });
}

/** Relays both ways until both directions end, then closes upstream. */
export async function relay(socket: Socket, conn: Deno.Conn, first?: Uint8Array): Promise<void> {
  await Promise.all([socketToUpstream(socket, conn, first), upstreamToSocket(conn, socket)]);
  try {
    conn.close();
  } catch {
    // Already closed.
  }
}
