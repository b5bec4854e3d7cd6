/**
 * The per-run proxy token: the child gets `http://authsome:TOKEN@127.0.0.1:PORT`,
 * and every request must carry it in `Proxy-Authorization: Basic`
 * (RFC 9110 §11.7.1). Without it the answer is 407 with a Basic challenge,
 * which git needs before it sends credentials at all.
 */

import { decodeBase64, randomHex } from "../encoding.ts";

const encoder = new TextEncoder();

/** The user name in the proxy URL. */
export const PROXY_USER = "authsome";

/** A fresh random token: 32 hex characters (128 bits). */
export function newProxyToken(): string {
  return randomHex(16);
}

/** The proxy URL the child gets. */
export function proxyUrl(token: string, port: number): string {
  return `http://${PROXY_USER}:${token}@127.0.0.1:${port}`;
}

/**
 * True when `a` and `b` hold the same bytes, in a time that depends only on
 * their length (node:crypto's timingSafeEqual, without loading node:crypto
 * into every run for it).
 */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

/** True when one of the `Proxy-Authorization` values carries the run's credentials. */
export function proxyAuthorized(values: readonly string[], token: string): boolean {
  const expected = encoder.encode(`${PROXY_USER}:${token}`);
  return values.some((value) => {
    const m = /^basic[ \t]+([A-Za-z0-9+/=]+)[ \t]*$/i.exec(value);
    if (!m) return false;
    let given: Uint8Array;
    try {
      given = decodeBase64(m[1]);
    } catch {
      return false;
    }
    return sameBytes(given, expected);
  });
}
