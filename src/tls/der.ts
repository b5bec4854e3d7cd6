/**
 * A few lines of DER (X.690) reading and writing for the structures authsome
 * reads on every run (the CA's name constraints), so that loading the CA
 * never loads node-forge. Definite lengths only, as DER requires (§10.1).
 */

/** One tag-length-value: where it starts, where its content starts and ends. */
export interface Tlv {
  /** The identifier octet (class, constructed bit and tag number below 31). */
  readonly tag: number;
  /** Where the identifier octet is. */
  readonly start: number;
  /** Where the content starts. */
  readonly content: number;
  /** Where the content ends. */
  readonly end: number;
}

/** Reads the TLV at `at`; throws on a truncated or indefinite length (X.690 §8.1.3). */
export function readTlv(der: Uint8Array, at: number): Tlv {
  const first = der[at + 1];
  if (first === undefined) throw new Error("truncated DER");
  let length = first;
  let content = at + 2;
  if (first >= 0x80) {
    const count = first & 0x7f;
    if (count === 0 || count > 4) throw new Error("unsupported DER length");
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + der[at + 2 + i];
    content += count;
  }
  const end = content + length;
  if (end > der.length) throw new Error("truncated DER");
  return { tag: der[at], start: at, content, end };
}

/** The TLVs inside the constructed TLV `parent`. */
export function childrenOf(der: Uint8Array, parent: Tlv): Tlv[] {
  const children: Tlv[] = [];
  for (let at = parent.content; at < parent.end; at = children[children.length - 1].end) {
    children.push(readTlv(der, at));
  }
  return children;
}

/** The content octets of `tlv`. */
export function contentOf(der: Uint8Array, tlv: Tlv): Uint8Array {
  return der.subarray(tlv.content, tlv.end);
}

/** Encodes one TLV with a definite length in the fewest octets (X.690 §10.1). */
export function encodeTlv(tag: number, ...content: readonly Uint8Array[]): Uint8Array {
  const length = content.reduce((sum, part) => sum + part.length, 0);
  const lengthOctets: number[] = [];
  if (length < 0x80) lengthOctets.push(length);
  else {
    for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) {
      lengthOctets.unshift(rest % 256);
    }
    lengthOctets.unshift(0x80 | lengthOctets.length);
  }
  const out = new Uint8Array(1 + lengthOctets.length + length);
  out[0] = tag;
  out.set(lengthOctets, 1);
  let at = 1 + lengthOctets.length;
  for (const part of content) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** True when `a` and `b` hold the same octets. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}
