/**
 * Raw byte relays between the child's socket (node) and an upstream
 * connection (Deno): blind tunnels, upgraded connections, response streams.
 * Bytes are passed on as they arrive, never buffered whole.
 */

import type { Socket } from "node:net";
import { writeConn, writeSocket } from "./byte_source.ts";

const CHUNK = 16 * 1024;

/** Copies upstream bytes to the socket until upstream ends; `onChunk` sees each chunk. Ends the socket after. */
export async function upstreamToSocket(
  conn: Deno.Conn,
  socket: Socket,
  onChunk?: (chunk: Uint8Array) => void,
): Promise<void> {
  const buffer = new Uint8Array(CHUNK);
  try {
    for (;;) {
      const n = await conn.read(buffer);
      if (n === null) break;
      const chunk = buffer.slice(0, n);
      onChunk?.(chunk);
      await writeSocket(socket, chunk);
    }
  } catch {
    // Either side went away; the socket is ended below.
  }
  if (!socket.destroyed) socket.end();
}

/** Copies socket bytes to upstream until the socket ends, then half-closes upstream. */
export function socketToUpstream(
  socket: Socket,
  conn: Deno.Conn,
  first?: Uint8Array,
): Promise<void> {
  return new Promise((resolve) => {
    let chain = first && first.length > 0 ? writeConn(conn, first) : Promise.resolve();
    const finish = () => {
      socket.off("data", onData);
      chain.then(() => conn.closeWrite()).catch(() => {}).finally(resolve);
    };
    const onData = (chunk: Uint8Array) => {
      socket.pause();
      chain = chain.then(() => writeConn(conn, chunk)).then(
        () => void socket.resume(),
        () => void socket.destroy(),
      );
    };
    socket.on("data", onData);
    socket.once("end", finish);
    socket.once("close", finish);
    socket.resume();
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
