/**
 * The HTTP/1.1 request head parser: bytes in, one of `incomplete`, `head` or
 * `reject` out (RFC 9112 §2-§5). Strict by design: anything two parsers
 * could read differently is rejected rather than repaired, so the proxy and
 * the origin never disagree about where a request starts or ends.
 */

import {
  CLASS,
  CR,
  type FieldLine,
  latin1,
  LF,
  scanFieldLine,
  SP,
  TCHAR,
  VCHAR,
} from "./syntax.ts";
import { validAbsoluteTarget, validAuthority, validHostField } from "./target.ts";

/** The two HTTP versions the proxy speaks (RFC 9112 §2.3). */
export type HttpVersion = "HTTP/1.1" | "HTTP/1.0";

/** The four shapes of request-target (RFC 9112 §3.2.1-§3.2.4). */
export type TargetForm = "origin" | "absolute" | "authority" | "asterisk";

/** One field line: the name as sent, the value with its OWS trimmed. */
export type HeaderField = readonly [name: string, value: string];

/** A parsed request head. Plain data: change it with the helpers in inject.ts. */
export interface RequestHead {
  readonly method: string;
  /** The request-target exactly as sent. */
  readonly target: string;
  readonly version: HttpVersion;
  readonly form: TargetForm;
  /** Field lines in the order received. */
  readonly headers: readonly HeaderField[];
}

/** Status codes a malformed head is rejected with. */
export type RejectStatus = 400 | 431 | 501 | 505;

/** The outcome of {@linkcode parseRequestHead}. */
export type HeadParse =
  | { readonly kind: "incomplete" }
  | { readonly kind: "head"; readonly head: RequestHead; readonly length: number }
  | { readonly kind: "reject"; readonly status: RejectStatus; readonly reason: string };

/** Size limits of {@linkcode parseRequestHead}. */
export interface HeadLimits {
  /** Whole head, request line to final CRLFCRLF included (default 64 KiB). */
  readonly maxHeadBytes?: number;
  /** Request line without its CRLF (default 8 KiB; RFC 9112 §3 suggests at least 8000). */
  readonly maxRequestLineBytes?: number;
  /** Field lines (default 1000). */
  readonly maxFields?: number;
}

/** The limits used when none are given. */
export const DEFAULT_HEAD_LIMITS: Required<HeadLimits> = {
  maxHeadBytes: 64 * 1024,
  maxRequestLineBytes: 8 * 1024,
  maxFields: 1000,
};

/** Longer methods get 501 (RFC 9112 §3: longer than any we implement). */
const MAX_METHOD = 32;
const HTTP_SLASH = [0x48, 0x54, 0x54, 0x50, 0x2f];
const INCOMPLETE: HeadParse = { kind: "incomplete" };

function reject(status: RejectStatus, reason: string): HeadParse {
  return { kind: "reject", status, reason };
}

/**
 * Parses the request head at the start of `buffer`. Returns `incomplete`
 * while more bytes could still make a valid head, and rejects as early as
 * the bytes so far allow: a reject for a prefix is the reject for any
 * longer buffer (size limits aside, which only grow).
 */
export function parseRequestHead(buffer: Uint8Array, limits: HeadLimits = {}): HeadParse {
  const maxHead = limits.maxHeadBytes ?? DEFAULT_HEAD_LIMITS.maxHeadBytes;
  const maxLine = limits.maxRequestLineBytes ?? DEFAULT_HEAD_LIMITS.maxRequestLineBytes;
  const maxFields = limits.maxFields ?? DEFAULT_HEAD_LIMITS.maxFields;
  const buf = buffer;
  const end = Math.min(buf.length, maxHead);
  const stopped = end === maxHead ? reject(431, "Request header section too large") : INCOMPLETE;

  // RFC 9112 §2.2: a server SHOULD ignore empty lines before the request line.
  let pos = 0;
  while (pos < end && buf[pos] === CR) {
    if (pos + 1 === end) return stopped;
    if (buf[pos + 1] !== LF) return reject(400, "Bare CR");
    pos += 2;
  }
  const lineStop = Math.min(end, pos + maxLine + 2);
  const line = scanRequestLine(buf, pos, lineStop);
  if (line === undefined) {
    return lineStop === pos + maxLine + 2 ? reject(431, "Request line too long") : stopped;
  }
  if ("kind" in line) return line;

  // RFC 9112 §5: field lines until the empty line.
  const fields: FieldLine[] = [];
  let i = line.next;
  for (;;) {
    if (i === end) return stopped;
    if (buf[i] === CR) {
      if (i + 1 === end) return stopped;
      if (buf[i + 1] !== LF) return reject(400, "Bare CR");
      i += 2;
      break;
    }
    const field = scanFieldLine(buf, i, end);
    if (field.kind === "incomplete") return stopped;
    if (field.kind === "invalid") return reject(400, field.reason);
    if (fields.length === maxFields) return reject(431, "Too many header fields");
    fields.push(field);
    i = field.next;
  }
  return buildHead(buf, pos, i, line, fields);
}

/** A valid request line, decoded. */
interface RequestLine {
  readonly method: string;
  readonly target: string;
  readonly form: TargetForm;
  readonly version: HttpVersion;
  /** Offset just past the line's CRLF. */
  readonly next: number;
}

/**
 * RFC 9112 §3: request-line = method SP request-target SP HTTP-version CRLF.
 * Returns undefined when `lineStop` comes before the line ends.
 */
function scanRequestLine(
  buf: Uint8Array,
  pos: number,
  lineStop: number,
): RequestLine | HeadParse | undefined {
  let i = pos;
  while (i < lineStop && (CLASS[buf[i]] & TCHAR) !== 0) {
    if (++i - pos > MAX_METHOD) return reject(501, "Method longer than any implemented");
  }
  if (i === lineStop) return undefined;
  if (buf[i] !== SP || i === pos) return reject(400, lineError(buf[i], "Malformed method"));
  const methodEnd = i;
  const targetStart = ++i;
  while (i < lineStop && (CLASS[buf[i]] & VCHAR) !== 0) i++;
  if (i === lineStop) return undefined;
  if (buf[i] !== SP) return reject(400, lineError(buf[i], "Malformed request target"));
  if (i === targetStart) return reject(400, "Empty request target");
  const targetEnd = i++;
  // RFC 9112 §2.3: HTTP-version = "HTTP" "/" DIGIT "." DIGIT, case-sensitive.
  for (let k = 0; k < 8; k++, i++) {
    if (i === lineStop) return undefined;
    const c = buf[i];
    const ok = k < 5 ? c === HTTP_SLASH[k] : k === 6 ? c === 0x2e : c >= 0x30 && c <= 0x39;
    if (!ok) return reject(400, "Malformed HTTP version");
  }
  if (i === lineStop) return undefined;
  if (buf[i] !== CR) return reject(400, lineError(buf[i], "Malformed HTTP version"));
  if (++i === lineStop) return undefined;
  if (buf[i] !== LF) return reject(400, "Bare CR");
  const major = buf[i - 4];
  const minor = buf[i - 2];
  // RFC 9110 §15.6.6; an HTTP/2 preface ("PRI * HTTP/2.0") lands here too.
  if (major !== 0x31 || (minor !== 0x30 && minor !== 0x31)) {
    return reject(505, "HTTP version not supported");
  }
  const method = latin1(buf, pos, methodEnd, false);
  const target = latin1(buf, targetStart, targetEnd, false);
  const form = targetForm(method, target);
  if (typeof form !== "string") return form;
  const version: HttpVersion = minor === 0x31 ? "HTTP/1.1" : "HTTP/1.0";
  return { method, target, form, version, next: i + 1 };
}

/** Decodes the field lines and applies the Host rules of RFC 9112 §3.2. */
function buildHead(
  buf: Uint8Array,
  pos: number,
  end: number,
  line: RequestLine,
  fields: readonly FieldLine[],
): HeadParse {
  const text = latin1(buf, pos, end, fields.some((f) => f.high));
  const headers: HeaderField[] = new Array(fields.length);
  let hosts = 0;
  let host = "";
  for (let n = 0; n < fields.length; n++) {
    const f = fields[n];
    const name = text.slice(f.nameStart - pos, f.nameEnd - pos);
    const value = text.slice(f.valueStart - pos, f.valueEnd - pos);
    headers[n] = [name, value];
    if (name.length === 4 && name.toLowerCase() === "host") {
      hosts++;
      host = value;
    }
  }
  const { method, target, version, form } = line;
  // RFC 9112 §3.2: 400 for a missing (HTTP/1.1), repeated or invalid Host.
  if (hosts > 1) return reject(400, "More than one Host field");
  if (hosts === 1 && !validHostField(host)) return reject(400, "Invalid Host field");
  if (hosts === 0 && version === "HTTP/1.1" && (form === "origin" || form === "asterisk")) {
    return reject(400, "Missing Host field");
  }
  return { kind: "head", head: { method, target, version, form, headers }, length: end };
}

function lineError(c: number, fallback: string): string {
  if (c === LF) return "Bare LF as a line terminator";
  if (c === CR) return "Request line without an HTTP version";
  return fallback;
}

/** RFC 9112 §3.2: which form the target takes, or why it fits none for this method. */
function targetForm(method: string, target: string): TargetForm | HeadParse {
  if (method === "CONNECT") {
    // RFC 9112 §3.2.3: CONNECT takes authority-form and only that, port included.
    return validAuthority(target, true)
      ? "authority"
      : reject(400, "CONNECT target is not host:port");
  }
  const first = target.charCodeAt(0);
  if (first === 0x2f) return "origin"; // RFC 9112 §3.2.1
  if (target === "*") {
    // RFC 9112 §3.2.4: asterisk-form is for server-wide OPTIONS only.
    return method === "OPTIONS" ? "asterisk" : reject(400, "Asterisk target outside OPTIONS");
  }
  // RFC 9112 §3.2.2: absolute-form, as sent to a proxy.
  return validAbsoluteTarget(target) ? "absolute" : reject(400, "Invalid request target");
}

/** Every value of the fields named `name` (case-insensitive), in order. */
export function getHeaders(head: Pick<RequestHead, "headers">, name: string): string[] {
  const lower = name.toLowerCase();
  const out: string[] = [];
  for (const [n, v] of head.headers) {
    if (n.length === lower.length && n.toLowerCase() === lower) out.push(v);
  }
  return out;
}
