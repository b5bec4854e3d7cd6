/**
 * The byte encodings authsome uses, written once (as `@std/encoding` does):
 * base64 of bytes and of UTF-8 text (RFC 4648 §4), base64url without padding
 * (§5, as PKCE wants), and lower-case hex. Thin names over the runtime's own
 * `Uint8Array` methods, so no caller converts through Latin-1 strings.
 */

const encoder = new TextEncoder();

/** Base64 of bytes, padded (RFC 4648 §4). */
export function encodeBase64(bytes: Uint8Array): string {
  return bytes.toBase64();
}

/** Base64 of a text's UTF-8 bytes, as HTTP Basic credentials want (RFC 7617 §2.1). */
export function encodeBase64Text(text: string): string {
  return encoder.encode(text).toBase64();
}

/** Bytes of padded or unpadded base64; throws a SyntaxError on anything else. */
export function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.fromBase64(text);
}

/** base64url without padding (RFC 4648 §5; RFC 7636 Appendix A). */
export function encodeBase64Url(bytes: Uint8Array): string {
  return bytes.toBase64({ alphabet: "base64url", omitPadding: true });
}

/** Lower-case hex of bytes. */
export function encodeHex(bytes: Uint8Array): string {
  return bytes.toHex();
}

/** `length` random bytes as lower-case hex (2 × `length` characters). */
export function randomHex(length: number): string {
  return encodeHex(crypto.getRandomValues(new Uint8Array(length)));
}
