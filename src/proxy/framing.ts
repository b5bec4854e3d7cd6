/**
 * Message body framing (RFC 9112 §6), one function for requests and
 * responses, as mitmproxy's `expected_http_body_size`. For requests only the
 * unambiguous cases pass, a lone valid Content-Length or a Transfer-Encoding
 * of exactly `chunked`; every combination that two parsers could frame
 * differently is rejected (RFC 9112 §11.2, request smuggling). Responses
 * follow RFC 9112 §6.3 as a client reads them.
 */

import { getHeaders, type RequestHead } from "./request_head.ts";
import { isToken } from "./syntax.ts";

/** How the body of one message is delimited. */
export type BodyFraming =
  /** No body: the next request starts right after the head. */
  | { readonly kind: "none" }
  /** Exactly `length` (> 0) body bytes follow the head. */
  | { readonly kind: "length"; readonly length: number }
  /** A chunked body follows; see {@linkcode ChunkedScanner} in chunked.ts. */
  | { readonly kind: "chunked" }
  /** A response body that ends when the connection closes (RFC 9112 §6.3 (8)). */
  | { readonly kind: "close" }
  | { readonly kind: "reject"; readonly status: 400 | 501; readonly reason: string };

const NONE: BodyFraming = { kind: "none" };
const CHUNKED: BodyFraming = { kind: "chunked" };
/** 1*DIGIT (RFC 9110 §8.6), at most 16 digits so the number stays exact. */
const DIGITS = /^[0-9]{1,16}$/;

function reject(status: 400 | 501, reason: string): BodyFraming {
  return { kind: "reject", status, reason };
}

/** What framing a response needs from its request besides its own head. */
export interface ResponseFacts {
  readonly status: number;
  /** The method of the request it answers. */
  readonly requestMethod: string;
}

/** The parts of a head that framing reads; a response head has no method. */
export type FramedHead = Pick<RequestHead, "headers" | "version"> & { readonly method?: string };

const CLOSE: BodyFraming = { kind: "close" };

/**
 * Decides how the body of a message with this head is framed (RFC 9112
 * §6.3): a request's, or with `response` a response's.
 */
export function bodyFraming(head: FramedHead, response?: ResponseFacts): BodyFraming {
  if (response) {
    const { status, requestMethod } = response;
    // RFC 9112 §6.3 (1): HEAD, 1xx, 204 and 304 responses end at their head.
    if (requestMethod === "HEAD" || status < 200 || status === 204 || status === 304) return NONE;
  }
  const te = getHeaders(head, "transfer-encoding");
  const cl = getHeaders(head, "content-length");
  if (te.length > 0 && response) {
    // RFC 9112 §6.3 (3): Transfer-Encoding wins; not ending in chunked, the close ends it.
    const last = te[te.length - 1].split(",").pop()!.trim().toLowerCase();
    return last === "chunked" ? CHUNKED : CLOSE;
  }
  if (te.length > 0) {
    // RFC 9112 §6.3 (3): both present "ought to be handled as an error"; we reject.
    if (cl.length > 0) return reject(400, "Both Transfer-Encoding and Content-Length");
    // RFC 9112 §6.1: Transfer-Encoding in HTTP/1.0 means the framing is faulty.
    if (head.version === "HTTP/1.0") return reject(400, "Transfer-Encoding in an HTTP/1.0 request");
    // RFC 9110 §9.3.6: a CONNECT request has no content.
    if (head.method === "CONNECT") return reject(400, "CONNECT request with a body");
    return transferCoding(te);
  }
  // RFC 9112 §6.3 (7) and (8): neither field, no request body; a response body runs to the close.
  if (cl.length === 0) return response ? CLOSE : NONE;
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
