/**
 * Editing and writing request heads: replace or remove header fields and
 * serialize the result (RFC 9112 §3, §5). Generic on purpose: the caller
 * decides which header carries which value. Values are checked on the way in
 * and out, so no CR, LF or NUL can split a header, and error messages name
 * the header, never its value.
 */

import { AuthsomeError } from "../errors.ts";
import type { HeaderField, RequestHead } from "./request_head.ts";
import { CLASS, FIELD, isFieldValue, isToken, TCHAR, VCHAR } from "./syntax.ts";

export { getHeaders } from "./request_head.ts";

function sameName(a: string, lower: string): boolean {
  return a.length === lower.length && a.toLowerCase() === lower;
}

function checkField(name: string, value: string): void {
  if (!isToken(name)) {
    throw new AuthsomeError("invalid", "Cannot set a header whose name is not an HTTP token");
  }
  if (!isFieldValue(value)) {
    throw new AuthsomeError(
      "invalid",
      `Cannot set header "${name}": its value has characters HTTP does not allow`,
      { hint: "Header values take printable characters only, no line breaks" },
    );
  }
}

/**
 * Returns a head where `name` (case-insensitive) has the one value `value`:
 * the first existing line keeps its place and takes the new name and value,
 * the others go; with no existing line it is appended.
 */
export function setHeader(head: RequestHead, name: string, value: string): RequestHead {
  checkField(name, value);
  const lower = name.toLowerCase();
  const headers: HeaderField[] = [];
  let placed = false;
  for (const field of head.headers) {
    if (!sameName(field[0], lower)) {
      headers.push(field);
    } else if (!placed) {
      headers.push([name, value]);
      placed = true;
    }
  }
  if (!placed) headers.push([name, value]);
  return { ...head, headers };
}

/** Returns a head without any line whose lower-cased name is in `lowerNames`, in one pass. */
export function removeHeaders(head: RequestHead, lowerNames: ReadonlySet<string>): RequestHead {
  return {
    ...head,
    headers: head.headers.filter((field) => !lowerNames.has(field[0].toLowerCase())),
  };
}

/**
 * Writes `method SP request-target SP HTTP-version CRLF`, each field line as
 * `name: value CRLF`, then CRLF (RFC 9112 §2.1, §3, §5). Text is written as
 * ISO-8859-1, the inverse of the parser; a character HTTP does not allow
 * where it stands throws.
 */
export function serializeHead(head: RequestHead): Uint8Array {
  if (head.version !== "HTTP/1.1" && head.version !== "HTTP/1.0") {
    throw new AuthsomeError("invalid", "Cannot write a request head of an unknown HTTP version");
  }
  let size = head.method.length + head.target.length + head.version.length + 4 + 2;
  for (const [name, value] of head.headers) size += name.length + value.length + 4;
  const out = new Uint8Array(size);
  let at = write(out, 0, head.method, TCHAR, "method");
  out[at++] = 0x20;
  at = write(out, at, head.target, VCHAR, "request target");
  out[at++] = 0x20;
  at = write(out, at, head.version, VCHAR, "version");
  out[at++] = 0x0d;
  out[at++] = 0x0a;
  for (const [name, value] of head.headers) {
    at = write(out, at, name, TCHAR, "header name");
    out[at++] = 0x3a;
    out[at++] = 0x20;
    at = writeValue(out, at, name, value);
    out[at++] = 0x0d;
    out[at++] = 0x0a;
  }
  out[at++] = 0x0d;
  out[at++] = 0x0a;
  return out;
}

/** Writes a non-empty run of characters of class `mask`. */
function write(out: Uint8Array, at: number, s: string, mask: number, what: string): number {
  if (s.length === 0) throw new AuthsomeError("invalid", `Cannot write an empty ${what}`);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0xff || (CLASS[c] & mask) === 0) {
      throw new AuthsomeError(
        "invalid",
        `Cannot write a ${what} with characters HTTP does not allow`,
      );
    }
    out[at++] = c;
  }
  return at;
}

function writeValue(out: Uint8Array, at: number, name: string, value: string): number {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c > 0xff || (CLASS[c] & FIELD) === 0) {
      throw new AuthsomeError(
        "invalid",
        `Cannot write header "${name}": its value has characters HTTP does not allow`,
      );
    }
    out[at++] = c;
  }
  return at;
}
