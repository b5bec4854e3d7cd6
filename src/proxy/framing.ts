/**
 * Request body framing (RFC 9112 §6): where a request's body ends. Only the
 * unambiguous cases pass, a lone valid Content-Length or a Transfer-Encoding
 * of exactly `chunked`; every combination that two parsers could frame
 * differently is rejected (RFC 9112 §11.2, request smuggling).
 */

import { getHeaders, type RequestHead } from "./request_head.ts";
import { isToken } from "./syntax.ts";

/** How the body of one request is delimited. */
export type BodyFraming =
  /** No body: the next request starts right after the head. */
  | { readonly kind: "none" }
  /** Exactly `length` (> 0) body bytes follow the head. */
  | { readonly kind: "length"; readonly length: number }
  /** A chunked body follows; see {@linkcode ChunkedScanner} in chunked.ts. */
  | { readonly kind: "chunked" }
  | { readonly kind: "reject"; readonly status: 400 | 501; readonly reason: string };

const NONE: BodyFraming = { kind: "none" };
const CHUNKED: BodyFraming = { kind: "chunked" };
/** 1*DIGIT (RFC 9110 §8.6), at most 16 digits so the number stays exact. */
const DIGITS = /^[0-9]{1,16}$/;

function reject(status: 400 | 501, reason: string): BodyFraming {
  return { kind: "reject", status, reason };
}

/** Decides how the body of the request with this head is framed (RFC 9112 §6.3). */
export function bodyFraming(head: RequestHead): BodyFraming {
  const te = getHeaders(head, "transfer-encoding");
  const cl = getHeaders(head, "content-length");
  if (te.length > 0) {
    // RFC 9112 §6.3 (3): both present "ought to be handled as an error"; we reject.
    if (cl.length > 0) return reject(400, "Both Transfer-Encoding and Content-Length");
    // RFC 9112 §6.1: Transfer-Encoding in HTTP/1.0 means the framing is faulty.
    if (head.version === "HTTP/1.0") return reject(400, "Transfer-Encoding in an HTTP/1.0 request");
    // RFC 9110 §9.3.6: a CONNECT request has no content.
    if (head.method === "CONNECT") return reject(400, "CONNECT request with a body");
    return transferCoding(te);
  }
  // RFC 9112 §6.3 (7): neither field, no body.
  if (cl.length === 0) return NONE;
  // RFC 9112 §6.3 (5) and RFC 9110 §8.6: repeated or listed lengths, even
  // identical ones, and anything but digits are rejected.
  if (cl.length > 1) return reject(400, "More than one Content-Length field");
  const value = cl[0];
  if (!DIGITS.test(value)) return reject(400, "Invalid Content-Length");
  const length = Number(value);
  if (length > Number.MAX_SAFE_INTEGER) return reject(400, "Content-Length too large");
  if (length === 0) return NONE;
  if (head.method === "CONNECT") return reject(400, "CONNECT request with a body");
  // RFC 9112 §6.3 (6).
  return { kind: "length", length };
}

/** RFC 9112 §6.1 and §6.3 (4): only a single `chunked` coding is accepted. */
function transferCoding(values: readonly string[]): BodyFraming {
  if (values.length === 1 && values[0].toLowerCase() === "chunked") return CHUNKED;
  const codings = values.join(",").split(",").map((c) => c.replace(/^[ \t]+|[ \t]+$/g, ""));
  const chunked = codings.filter((c) => c.toLowerCase() === "chunked").length;
  if (codings[codings.length - 1].toLowerCase() !== "chunked") {
    return reject(400, "Transfer-Encoding does not end with chunked");
  }
  if (chunked > 1) return reject(400, "Transfer-Encoding applies chunked more than once");
  // A well-formed list such as "gzip, chunked": RFC 9112 §6.1 suggests 501.
  if (codings.every(isToken)) return reject(501, "Transfer coding not implemented");
  return reject(400, "Malformed Transfer-Encoding");
}
