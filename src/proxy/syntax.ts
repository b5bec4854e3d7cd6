/**
 * Octet classes and field-line scanning shared by the request-head parser and
 * the chunked-body scanner. Everything works on bytes, never on decoded text
 * (RFC 9112 §2.2: parse as octets, decode only extracted elements).
 */

/** tchar (RFC 9110 §5.6.2). */
export const TCHAR = 1;
/** Octets of a request-target: VCHAR, %x21-7E (RFC 9112 §3.2, RFC 3986 §2). */
export const VCHAR = 2;
/** field-vchar = VCHAR / obs-text, plus SP and HTAB inside a value (RFC 9110 §5.5). */
export const FIELD = 4;
/** HEXDIG (RFC 5234 §B.1). */
export const HEX = 8;
/** OWS / BWS octets: SP and HTAB (RFC 9110 §5.6.3). */
export const WS = 16;
/** qdtext (RFC 9110 §5.6.4): HTAB, SP, %x21, %x23-5B, %x5D-7E, obs-text. */
export const QDTEXT = 32;

/** The class bits of every octet. */
export const CLASS: Uint8Array = (() => {
  const table = new Uint8Array(256);
  const tchars = "!#$%&'*+-.^_`|~";
  for (let c = 0; c < 256; c++) {
    let bits = 0;
    const alnum = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
    if (alnum || tchars.includes(String.fromCharCode(c))) bits |= TCHAR;
    if (c >= 0x21 && c <= 0x7e) bits |= VCHAR;
    if (c === 0x09 || c === 0x20 || (c >= 0x21 && c <= 0x7e) || c >= 0x80) bits |= FIELD;
    if ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66)) {
      bits |= HEX;
    }
    if (c === 0x09 || c === 0x20) bits |= WS;
    if ((bits & FIELD) !== 0 && c !== 0x22 && c !== 0x5c) bits |= QDTEXT;
    table[c] = bits;
  }
  return table;
})();

/** Carriage return. */
export const CR = 0x0d;
/** Line feed. */
export const LF = 0x0a;
/** Space. */
export const SP = 0x20;
/** Horizontal tab. */
export const HTAB = 0x09;
/** Colon. */
export const COLON = 0x3a;

/** One field line located in a buffer, OWS already trimmed off the value. */
export interface FieldLine {
  readonly kind: "field";
  readonly nameStart: number;
  readonly nameEnd: number;
  readonly valueStart: number;
  readonly valueEnd: number;
  /** Offset just past the line's LF. */
  readonly next: number;
  /** True when the value holds obs-text (octets 0x80-0xFF). */
  readonly high: boolean;
}

/** What {@linkcode scanFieldLine} found at a line start. */
export type FieldScan =
  | FieldLine
  | { readonly kind: "incomplete" }
  | { readonly kind: "invalid"; readonly reason: string };

const INCOMPLETE = { kind: "incomplete" } as const;

function invalid(reason: string): FieldScan {
  return { kind: "invalid", reason };
}

/**
 * Scans one `field-line CRLF` starting at `start` (not the empty line that
 * ends a section: the caller checks for that first), reading no further than
 * `end`. Errors come in octet order, so a prefix never disagrees with the
 * whole line.
 */
export function scanFieldLine(buf: Uint8Array, start: number, end: number): FieldScan {
  if (start >= end) return INCOMPLETE;
  const first = buf[start];
  // RFC 9112 §5.2 (and §2.2 for the first field): a line starting with
  // whitespace is obs-fold; we reject rather than unfold.
  if (first === SP || first === HTAB) return invalid("Obsolete line folding is not accepted");
  let i = start;
  while (i < end && (CLASS[buf[i]] & TCHAR) !== 0) i++;
  if (i === end) return INCOMPLETE;
  const nameEnd = i;
  const stop = buf[i];
  if (stop !== COLON) {
    // RFC 9112 §5.1: whitespace between field name and colon MUST get a 400.
    if (stop === SP || stop === HTAB) return invalid("Whitespace between field name and colon");
    if (stop === LF) return invalid("Bare LF as a line terminator");
    if (stop === CR) return invalid(i === start ? "Bare CR" : "Field line without a colon");
    return invalid("Field name is not a token");
  }
  if (i === start) return invalid("Empty field name");
  i++;
  while (i < end && (buf[i] === SP || buf[i] === HTAB)) i++;
  const valueStart = i;
  let lastVisible = i;
  let acc = 0;
  for (; i < end; i++) {
    const c = buf[i];
    if ((CLASS[c] & FIELD) === 0) break;
    acc |= c;
    if (c !== SP && c !== HTAB) lastVisible = i + 1;
  }
  if (i === end) return INCOMPLETE;
  const c = buf[i];
  if (c === LF) return invalid("Bare LF as a line terminator");
  // RFC 9110 §5.5: CR, LF and NUL in a value are invalid; we also refuse the other CTLs.
  if (c !== CR) return invalid("Control character in a field value");
  if (i + 1 === end) return INCOMPLETE;
  // RFC 9112 §2.2: a bare CR makes the element invalid.
  if (buf[i + 1] !== LF) return invalid("Bare CR");
  return {
    kind: "field",
    nameStart: start,
    nameEnd,
    valueStart,
    valueEnd: lastVisible,
    next: i + 2,
    high: (acc & 0x80) !== 0,
  };
}

const ascii = new TextDecoder("utf-8");

/**
 * Decodes octets as ISO-8859-1, each octet one UTF-16 code unit. TextDecoder's
 * "latin1" is really windows-1252 (0x80 becomes "€"), so it serves only text
 * known to be ASCII; anything with obs-text goes through fromCharCode.
 */
export function latin1(buf: Uint8Array, start: number, end: number, high = true): string {
  if (!high) return ascii.decode(buf.subarray(start, end));
  let out = "";
  for (let i = start; i < end; i += 4096) {
    const part = buf.subarray(i, Math.min(end, i + 4096));
    out += String.fromCharCode.apply(null, part as unknown as number[]);
  }
  return out;
}

/** True when `s` is a token (RFC 9110 §5.6.2). */
export function isToken(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0xff || (CLASS[c] & TCHAR) === 0) return false;
  }
  return true;
}

/**
 * True when `s` is a field value we are willing to write: field-vchar, SP and
 * HTAB only, with no leading or trailing whitespace (RFC 9110 §5.5).
 */
export function isFieldValue(s: string): boolean {
  const n = s.length;
  if (n === 0) return true;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c > 0xff || (CLASS[c] & FIELD) === 0) return false;
  }
  return (CLASS[s.charCodeAt(0)] & WS) === 0 && (CLASS[s.charCodeAt(n - 1)] & WS) === 0;
}
