/** CONNECT targets and Host headers: `host:port`, with IPv6 literals in brackets (RFC 9112 §3.2.3). Pure. */

/** A host and port. */
export interface Authority {
  readonly host: string;
  readonly port: number;
}

/** Parses `host:port` or `[v6]:port`; `defaultPort` applies when the port is absent. */
export function parseAuthority(text: string, defaultPort?: number): Authority | undefined {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9._~%!$&'()*+,;=-]+))(?::(\d{1,5}))?$/.exec(text);
  if (!m) return undefined;
  const port = m[3] === undefined ? defaultPort : Number(m[3]);
  if (port === undefined || port < 1 || port > 65535) return undefined;
  return { host: (m[1] ?? m[2]).toLowerCase().replace(/\.$/, ""), port };
}

/** True when a Host header names the same host and port as the CONNECT target (port 443 when omitted). */
export function sameAuthority(hostHeader: string, target: Authority): boolean {
  const given = parseAuthority(hostHeader.trim(), 443);
  return given !== undefined && given.host === target.host && given.port === target.port;
}
