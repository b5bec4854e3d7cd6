/**
 * Syntax checks for request-target forms and the Host field (RFC 9112 §3.2,
 * RFC 3986 §3.2). The strings are ASCII: the parser admits only VCHAR in a
 * target, and a Host value with anything else fails these patterns.
 */

/** reg-name = *( unreserved / pct-encoded / sub-delims ), here non-empty (RFC 3986 §3.2.2). */
const REG_NAME = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=]|%[0-9A-Fa-f]{2})+$/;
/** IP-literal = "[" ( IPv6address / IPvFuture ) "]", checked for its alphabet only. */
const IP_LITERAL = /^\[(?:[0-9A-Fa-f:.]+|[vV][0-9A-Fa-f]+\.[A-Za-z0-9\-._~!$&'()*+,;=:]+)\]$/;
const PORT = /^[0-9]{1,5}$/;
const ABSOLUTE = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)(.*)$/;

/**
 * True for `uri-host [":" port]` with no userinfo; `requirePort` for CONNECT's
 * authority-form (RFC 9112 §3.2.3: uri-host ":" port).
 */
export function validAuthority(s: string, requirePort: boolean): boolean {
  let host = s;
  let port: string | undefined;
  if (s.startsWith("[")) {
    const close = s.indexOf("]");
    if (close < 0) return false;
    host = s.slice(0, close + 1);
    const rest = s.slice(close + 1);
    if (rest !== "") {
      if (rest[0] !== ":") return false;
      port = rest.slice(1);
    }
  } else {
    const colon = s.indexOf(":");
    if (colon >= 0) {
      host = s.slice(0, colon);
      port = s.slice(colon + 1);
    }
  }
  if (port === undefined) {
    if (requirePort) return false;
  } else if (!PORT.test(port) || Number(port) > 65535) {
    return false;
  }
  return host.startsWith("[") ? IP_LITERAL.test(host) : REG_NAME.test(host);
}

/** RFC 9110 §7.2: Host = uri-host [":" port], or empty when the URI has no authority. */
export function validHostField(value: string): boolean {
  return value === "" || validAuthority(value, false);
}

/**
 * RFC 9112 §3.2.2 absolute-form, limited to what a proxy serves: an http or
 * https URI with a non-empty host (RFC 9110 §4.2.1) and no userinfo, which
 * RFC 9110 §4.2.4 deprecates and which hides the real host from careless
 * readers.
 */
export function validAbsoluteTarget(target: string): boolean {
  const m = ABSOLUTE.exec(target);
  if (m === null) return false;
  const scheme = m[1].toLowerCase();
  if (scheme !== "http" && scheme !== "https") return false;
  if (!validAuthority(m[2], false)) return false;
  const rest = m[3];
  return rest === "" || rest[0] === "/" || rest[0] === "?";
}
