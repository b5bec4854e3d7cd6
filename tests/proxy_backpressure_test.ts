/**
 * Memory stays flat when one side stops reading: a 300 MB upload to an
 * origin that stops reading, and a 300 MB download to a child that stops
 * reading, each grow the proxy's RSS (from /proc) by at most 32 MB. A bound
 * on memory, not on time.
 */

import assert from "node:assert/strict";
import { tempHome } from "./helpers/cli.ts";
import { authsome } from "./helpers/cli.ts";
import { type LiveProxy, liveProxy, readUntilClose, tunnelTls } from "./helpers/live_proxy.ts";
import { CANARY } from "./helpers/run.ts";
import { rawOrigin } from "./helpers/raw_origin.ts";

const TOTAL = 300 * 1024 * 1024;
const BOUND = 32 * 1024 * 1024;
const CHUNK = new Uint8Array(256 * 1024).fill(0x61);
const enc = new TextEncoder();

function rss(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(Deno.readTextFileSync(`/proc/${pid}/status`))![1]) * 1024;
}

/** Writes until `total` bytes went or a write has not finished for `stallMs`; returns bytes written. */
async function writeUntilStalled(conn: Deno.Conn, total: number, stallMs = 3000): Promise<number> {
  let sent = 0;
  while (sent < total) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stalled = new Promise<null>((r) => timer = setTimeout(() => r(null), stallMs));
    const n = await Promise.race([
      conn.write(CHUNK.subarray(0, Math.min(CHUNK.length, total - sent))),
      stalled,
    ]);
    clearTimeout(timer);
    if (n === null) break;
    sent += n;
  }
  return sent;
}

async function withProxy(
  serve: (conn: Deno.TlsConn) => Promise<void>,
  test: (proxy: LiveProxy) => Promise<void>,
): Promise<void> {
  await using home = await tempHome();
  const login = await authsome(["login", "openai", "--key-stdin"], {
    home: home.path,
    stdin: CANARY,
  });
  assert.equal(login.code, 0, login.stderr);
  await using origin = await rawOrigin(serve);
  await using proxy = await liveProxy(home.path, [
    "--connect-to",
    `api.openai.com:443:127.0.0.1:${origin.port}`,
    "--upstream-ca",
    origin.caFile,
  ]);
  await test(proxy);
}

function report(what: string, before: number, after: number, moved: number): void {
  // deno-lint-ignore no-console
  console.error(
    `${what}: ${(moved / 1e6).toFixed(0)} MB moved before the stall, RSS ${
      (before / 1e6).toFixed(1)
    } → ${(after / 1e6).toFixed(1)} MB`,
  );
}

Deno.test("a 300 MB upload to an origin that stops reading grows the proxy by at most 32 MB", async () => {
  await withProxy(async (conn) => {
    await conn.handshake();
    // Reads nothing: the request head and body pile up in front of it.
    await new Promise(() => {});
  }, async (proxy) => {
    const conn = await tunnelTls(proxy);
    await conn.write(enc.encode(
      `POST /upload HTTP/1.1\r\nHost: api.openai.com\r\nContent-Length: ${TOTAL}\r\n\r\n`,
    ));
    const before = rss(proxy.pid);
    const sent = await writeUntilStalled(conn, TOTAL);
    const after = rss(proxy.pid);
    report("upload", before, after, sent);
    conn.close();
    assert.ok(sent < TOTAL, "the client's writes stall: backpressure reached it");
    assert.ok(after - before <= BOUND, `RSS grew ${((after - before) / 1e6).toFixed(1)} MB`);
  });
});

Deno.test("a 300 MB download to a child that stops reading grows the proxy by at most 32 MB", async () => {
  let written = 0;
  await withProxy(async (conn) => {
    await conn.handshake();
    await readUntilClose(conn, "\r\n\r\n");
    await conn.write(enc.encode(`HTTP/1.1 200 OK\r\nContent-Length: ${TOTAL}\r\n\r\n`));
    written = await writeUntilStalled(conn, TOTAL);
  }, async (proxy) => {
    const conn = await tunnelTls(proxy);
    await conn.write(enc.encode("GET /download HTTP/1.1\r\nHost: api.openai.com\r\n\r\n"));
    const head = new Uint8Array(64);
    assert.ok((await conn.read(head))! > 0);
    const before = rss(proxy.pid);
    // The child reads nothing more; wait until the origin's writes stall.
    for (let i = 0; i < 100 && written === 0; i++) await new Promise((r) => setTimeout(r, 200));
    const after = rss(proxy.pid);
    report("download", before, after, written);
    conn.close();
    assert.ok(written > 0 && written < TOTAL, "the origin's writes stall: backpressure reached it");
    assert.ok(after - before <= BOUND, `RSS grew ${((after - before) / 1e6).toFixed(1)} MB`);
  });
});
