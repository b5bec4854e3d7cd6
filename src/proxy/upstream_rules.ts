/**
 * Where a connection to HOST:PORT really goes: curl's `--resolve` and
 * `--connect-to` rules, and whether the parent's proxy applies (`NO_PROXY`).
 * Pure. TLS still verifies and sends SNI for the original host.
 */

import { encodeBase64Text } from "../encoding.ts";
import { AuthsomeError } from "../errors.ts";

/** A `--resolve HOST:PORT:ADDR` rule. */
export interface ResolveRule {
  readonly host: string;
  readonly port: number;
  readonly address: string;
}

/** A `--connect-to HOST1:PORT1:HOST2:PORT2` rule; empty fields match anything or keep the original. */
export interface ConnectToRule {
  readonly fromHost: string;
  readonly fromPort?: number;
  readonly toHost: string;
  readonly toPort?: number;
}

/** Where to open the TCP connection. */
export interface Address {
  readonly hostname: string;
  readonly port: number;
}

function port(text: string, flag: string, value: string): number {
  const n = Number(text);
  if (!/^\d{1,5}$/.test(text) || n < 1 || n > 65535) {
    throw new AuthsomeError("usage", `${flag} "${value}" has an invalid port "${text}"`);
  }
  return n;
}

/** Splits on colons outside brackets, so `[::1]` stays whole. */
function fields(value: string): string[] {
  return value.match(/\[[^\]]*\]|[^:]+|(?<=:)(?=:)|^(?=:)|(?<=:)$/g) ?? [];
}

function unbracket(host: string): string {
  return host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
}

/** Parses `--resolve HOST:PORT:ADDR`. */
export function parseResolve(value: string): ResolveRule {
  const parts = fields(value);
  if (parts.length !== 3 || !parts[0] || !parts[2]) {
    throw new AuthsomeError("usage", `--resolve "${value}" must be HOST:PORT:ADDRESS`, {
      hint: "For example: --resolve api.openai.com:443:127.0.0.1",
    });
  }
  return {
    host: parts[0].toLowerCase(),
    port: port(parts[1], "--resolve", value),
    address: unbracket(parts[2]),
  };
}

/** Parses `--connect-to HOST1:PORT1:HOST2:PORT2` (any field may be empty). */
export function parseConnectTo(value: string): ConnectToRule {
  const parts = fields(value);
  if (parts.length !== 4) {
    throw new AuthsomeError("usage", `--connect-to "${value}" must be HOST1:PORT1:HOST2:PORT2`, {
      hint: "For example: --connect-to api.openai.com:443:127.0.0.1:8443",
    });
  }
  return {
    fromHost: parts[0].toLowerCase(),
    fromPort: parts[1] ? port(parts[1], "--connect-to", value) : undefined,
    toHost: unbracket(parts[2]),
    toPort: parts[3] ? port(parts[3], "--connect-to", value) : undefined,
  };
}

/** The address for HOST:PORT after `--connect-to` (first match wins), then `--resolve`, as curl applies them. */
export function connectAddress(
  host: string,
  portNumber: number,
  rules: { readonly resolve: readonly ResolveRule[]; readonly connectTo: readonly ConnectToRule[] },
): Address {
  const name = host.toLowerCase();
  let target: Address = { hostname: name, port: portNumber };
  const hop = rules.connectTo.find((r) =>
    (r.fromHost === "" || r.fromHost === name) &&
    (r.fromPort === undefined || r.fromPort === portNumber)
  );
  if (hop) target = { hostname: hop.toHost || name, port: hop.toPort ?? portNumber };
  const pinned = rules.resolve.find((r) =>
    r.host === target.hostname.toLowerCase() && r.port === target.port
  );
  return pinned ? { hostname: pinned.address, port: target.port } : target;
}

/** True when `NO_PROXY` exempts HOST:PORT from the parent's proxy (curl's rules: suffixes, `*`, host:port). */
export function noProxyMatches(
  noProxy: string | undefined,
  host: string,
  portNumber: number,
): boolean {
  if (!noProxy) return false;
  const name = host.toLowerCase().replace(/\.$/, "");
  return noProxy.split(/[,\s]+/).filter(Boolean).some((raw) => {
    const entry = raw.toLowerCase();
    if (entry === "*") return true;
    const m = /^(.*?)(?::(\d+))?$/.exec(entry)!;
    if (m[2] && Number(m[2]) !== portNumber) return false;
    const domain = unbracket(m[1]).replace(/^\*?\./, "");
    return name === domain || name.endsWith(`.${domain}`);
  });
}

/**
 * The `Proxy-Authorization` value for the credentials in an upstream proxy's
 * URL: Basic over the percent-decoded user and password as UTF-8 (RFC 7617
 * §2.1), so a password outside Latin-1 works; undefined without a user.
 */
export function upstreamProxyAuthorization(proxy: URL): string | undefined {
  if (!proxy.username) return undefined;
  const user = decodeURIComponent(proxy.username);
  return `Basic ${encodeBase64Text(`${user}:${decodeURIComponent(proxy.password)}`)}`;
}
