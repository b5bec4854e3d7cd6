/**
 * A running `authsome run` whose proxy the test drives directly: the child
 * writes its HTTPS_PROXY to a file and waits, and the test talks to the
 * proxy with raw bytes over CONNECT and TLS, as a hostile client would.
 */

import { authsomeCommand, testEnv } from "./cli.ts";

/** A proxy kept alive by a waiting child. */
export interface LiveProxy extends AsyncDisposable {
  readonly url: URL;
  readonly caPem: string;
  /** The authsome process (the proxy's) pid, for memory samples. */
  readonly pid: number;
  /** What authsome printed on stderr so far. */
  stderr(): string;
}

/** Starts `authsome run FLAGS -- (wait)` in `home` and returns once the proxy listens. */
export async function liveProxy(
  home: string,
  flags: readonly string[],
  env: Record<string, string> = {},
): Promise<LiveProxy> {
  const file = `${home}/proxy-url-${crypto.randomUUID()}`;
  const childEnv = testEnv(home, env);
  const [cmd, args] = authsomeCommand([
    "run",
    ...flags,
    "--",
    "sh",
    "-c",
    `printf %s "$HTTPS_PROXY" > "${file}.tmp" && mv "${file}.tmp" "${file}" && exec sleep 600`,
  ], childEnv);
  const child = new Deno.Command(cmd, {
    args,
    env: childEnv,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let stderr = "";
  const drained = child.stderr.pipeThrough(new TextDecoderStream()).pipeTo(
    new WritableStream({ write: (text) => void (stderr += text) }),
  );
  let url: string | undefined;
  for (let i = 0; i < 300 && url === undefined; i++) {
    url = await Deno.readTextFile(file).catch(() => undefined);
    if (url === undefined) await new Promise((r) => setTimeout(r, 50));
  }
  if (url === undefined) {
    child.kill("SIGKILL");
    await child.status;
    throw new Error(`the proxy did not start: ${stderr}`);
  }
  return {
    url: new URL(url),
    caPem: await Deno.readTextFile(`${home}/ca/ca.pem`),
    pid: child.pid,
    stderr: () => stderr,
    [Symbol.asyncDispose]: async () => {
      child.kill("SIGTERM");
      await child.status;
      await drained.catch(() => {});
      await Deno.remove(file).catch(() => {});
    },
  };
}

/** Opens CONNECT host:443 through the proxy and TLS to it; `auth` false leaves out the token. */
export async function tunnelTls(proxy: LiveProxy, host = "api.openai.com"): Promise<Deno.TlsConn> {
  const tcp = await Deno.connect({ hostname: proxy.url.hostname, port: Number(proxy.url.port) });
  const credentials = btoa(`${proxy.url.username}:${proxy.url.password}`);
  await tcp.write(
    new TextEncoder().encode(
      `CONNECT ${host}:443 HTTP/1.1\r\nHost: ${host}:443\r\nProxy-Authorization: Basic ${credentials}\r\n\r\n`,
    ),
  );
  const head = await readUntilClose(tcp, "\r\n\r\n");
  if (!head.startsWith("HTTP/1.1 200")) throw new Error(`CONNECT failed: ${head}`);
  return await Deno.startTls(tcp, { hostname: host, caCerts: [proxy.caPem] });
}

/** Reads until `stop` appears (if given) or the peer closes; returns the text read (latin1). */
export async function readUntilClose(
  conn: Deno.Conn,
  stop?: string,
  timeoutMs = 10_000,
): Promise<string> {
  const buffer = new Uint8Array(64 * 1024);
  let text = "";
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    let n: number | null;
    try {
      n = await conn.read(buffer);
    } catch {
      break;
    }
    if (n === null) break;
    text += new TextDecoder("latin1").decode(buffer.subarray(0, n));
    if (stop !== undefined && text.includes(stop)) break;
  }
  return text;
}
