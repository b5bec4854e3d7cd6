/**
 * Connections to the real hosts: through `--connect-to`/`--resolve`, through
 * an upstream proxy when one applies (CONNECT, then TLS over it), with TLS
 * verification always on (default roots plus `--upstream-ca`). Failures are
 * `network` errors whose message says what failed, for the child's 502.
 */

import { AuthsomeError } from "../errors.ts";
import {
  connectAddress,
  type ConnectToRule,
  noProxyMatches,
  type ResolveRule,
  upstreamProxyAuthorization,
} from "./upstream_rules.ts";

/** How the proxy reaches upstream hosts. */
export interface UpstreamConfig {
  readonly resolve: readonly ResolveRule[];
  readonly connectTo: readonly ConnectToRule[];
  /** Extra trusted CA certificates (PEM), added to the default roots. */
  readonly caCerts: readonly string[];
  /** An upstream proxy for every connection, unless `noProxy` exempts the host. */
  readonly proxy?: URL;
  readonly noProxy?: string;
  readonly connectTimeoutMs: number;
}

/** The upstream proxy from `--upstream`, else the parent's `HTTPS_PROXY`/`HTTP_PROXY`. */
export function upstreamProxy(
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): URL | undefined {
  const raw = flag ?? env.HTTPS_PROXY ?? env.https_proxy ?? env.HTTP_PROXY ?? env.http_proxy;
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw.includes("://") ? raw : `http://${raw}`);
  } catch {
    throw new AuthsomeError("usage", `The upstream proxy "${raw}" is not a valid URL`);
  }
  if (url.protocol !== "http:") {
    throw new AuthsomeError("usage", `The upstream proxy "${url.origin}" must be an http:// proxy`);
  }
  return url;
}

/** What failed when connecting to HOST:PORT, in words for the child's 502 (TLS before DNS). */
export function describeConnectError(error: unknown, host: string, port: number): string {
  if (error instanceof Deno.errors.ConnectionRefused) {
    return `connection refused by ${host}:${port}`;
  }
  if (error instanceof Deno.errors.TimedOut) return `timed out connecting to ${host}:${port}`;
  const message = error instanceof Error ? error.message : String(error);
  // TLS first: a name mismatch's text holds "DnsName", which is no resolver failure.
  if (/certificate|tls|handshake|UnknownIssuer|NotValidForName|Expired|DnsName/i.test(message)) {
    return `TLS verification failed for ${host}: ${message.replace(/\s+/g, " ").slice(0, 200)}`;
  }
  if (/dns|lookup|resolve|name or service/i.test(message)) return `cannot resolve ${host}`;
  return `cannot reach ${host}:${port}: ${message.slice(0, 200)}`;
}

async function withTimeout<T extends Deno.Conn>(
  promise: Promise<T>,
  ms: number,
  what: string,
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Deno.errors.TimedOut(what)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } catch (error) {
    promise.then((conn) => conn.close(), () => {});
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** The upstream proxy's answer to our CONNECT, up to its blank line. */
async function readConnectReply(conn: Deno.Conn): Promise<string> {
  const buffer = new Uint8Array(16 * 1024);
  let used = 0;
  while (used < buffer.length) {
    const n = await conn.read(buffer.subarray(used));
    if (n === null) break;
    used += n;
    const text = new TextDecoder("latin1").decode(buffer.subarray(0, used));
    if (text.includes("\r\n\r\n")) return text;
  }
  throw new Error("the upstream proxy closed the connection during CONNECT");
}

async function viaProxy(
  proxy: URL,
  host: string,
  port: number,
  timeoutMs: number,
): Promise<Deno.TcpConn> {
  const proxyHost = proxy.hostname.replace(/^\[|\]$/g, "");
  const proxyPort = Number(proxy.port || 80);
  let conn: Deno.TcpConn;
  try {
    conn = await withTimeout(
      Deno.connect({ hostname: proxyHost, port: proxyPort }),
      timeoutMs,
      "proxy",
    );
    conn.setNoDelay(true);
  } catch (error) {
    throw new AuthsomeError(
      "network",
      `upstream proxy: ${describeConnectError(error, proxyHost, proxyPort)}`,
      {
        cause: error,
      },
    );
  }
  try {
    const credentials = upstreamProxyAuthorization(proxy);
    const auth = credentials ? `Proxy-Authorization: ${credentials}\r\n` : "";
    const authority = host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
    await conn.write(
      new TextEncoder().encode(
        `CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n${auth}\r\n`,
      ),
    );
    const head = await readConnectReply(conn);
    const status = /^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1];
    if (status !== "200") {
      throw new Error(
        `the upstream proxy ${proxy.host} answered CONNECT with ${status ?? "garbage"}`,
      );
    }
    return conn;
  } catch (error) {
    conn.close();
    throw error;
  }
}

/** Opens a TCP connection to HOST:PORT, directly or through the upstream proxy. */
export async function openTcp(
  host: string,
  port: number,
  config: UpstreamConfig,
): Promise<Deno.TcpConn> {
  try {
    if (config.proxy && !noProxyMatches(config.noProxy, host, port)) {
      return await viaProxy(config.proxy, host, port, config.connectTimeoutMs);
    }
    const address = connectAddress(host, port, config);
    const conn = await withTimeout(Deno.connect(address), config.connectTimeoutMs, "connect");
    conn.setNoDelay(true);
    return conn;
  } catch (error) {
    if (error instanceof AuthsomeError) throw error;
    throw new AuthsomeError("network", describeConnectError(error, host, port), { cause: error });
  }
}

/** Opens a verified TLS connection to HOST:PORT (SNI and verification for HOST whatever address it reaches). */
export async function openTls(
  host: string,
  port: number,
  config: UpstreamConfig,
): Promise<Deno.TlsConn> {
  const tcp = await openTcp(host, port, config);
  try {
    const tls = await Deno.startTls(tcp, { hostname: host, caCerts: [...config.caCerts] });
    await withTimeout(tls.handshake().then(() => tls), config.connectTimeoutMs, "handshake");
    return tls;
  } catch (error) {
    try {
      tcp.close();
    } catch {
      // Already closed by the failed handshake.
    }
    throw new AuthsomeError("network", describeConnectError(error, host, port), { cause: error });
  }
}
