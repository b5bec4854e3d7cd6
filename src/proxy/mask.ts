/**
 * Secrets never flow back to the child: every value the proxy injected on a
 * connection, and its URL-encoded form, is masked in what the origin sends
 * back. Bodies keep their length (the framing stays valid); a value split
 * across two reads is caught by holding back a tail that could start one.
 */

const encoder = new TextEncoder();
/** Shorter values are not masked: they would match ordinary text. */
const MIN_SECRET = 8;
const MASK = 0x2a; // "*"

/**
 * The strings to mask for one injected value: the value, or for `Scheme X`
 * (`Bearer X`, `Basic X`) just X, so the child still sees the scheme, and
 * its URL-encoded form.
 */
export function secretForms(value: string): string[] {
  const token = value.slice(value.lastIndexOf(" ") + 1);
  const forms = new Set([token, encodeURIComponent(token)]);
  return [...forms].filter((form) => form.length >= MIN_SECRET);
}

/** Masks a set of secrets in a stream of bytes, and in header text. */
export class SecretMask {
  readonly #secrets: Uint8Array[] = [];
  readonly #texts: string[] = [];
  #held = new Uint8Array(0);

  /** Adds values to mask from now on (the forms of {@linkcode secretForms}). */
  add(values: readonly string[]): void {
    for (const value of values) {
      if (this.#texts.includes(value)) continue;
      this.#texts.push(value);
      this.#secrets.push(encoder.encode(value));
    }
  }

  /** True once there is anything to mask. */
  get active(): boolean {
    return this.#secrets.length > 0;
  }

  /** `text` with every secret replaced by `replacement`. */
  text(text: string, replacement: string): string {
    let out = text;
    for (const secret of this.#texts) out = out.replaceAll(secret, replacement);
    return out;
  }

  /**
   * Masks body bytes (in place where it can); returns what may be sent now.
   * `final` at the end of a body, so nothing stays held.
   */
  body(segment: Uint8Array, final: boolean): Uint8Array {
    let data = segment;
    if (this.#held.length > 0) {
      data = new Uint8Array(this.#held.length + segment.length);
      data.set(this.#held);
      data.set(segment, this.#held.length);
      this.#held = new Uint8Array(0);
    }
    for (const secret of this.#secrets) maskAll(data, secret);
    if (final) return data;
    const hold = this.#partialTail(data);
    if (hold === 0) return data;
    this.#held = data.slice(data.length - hold);
    return data.subarray(0, data.length - hold);
  }

  /** The length of the longest tail of `data` that begins some secret. */
  #partialTail(data: Uint8Array): number {
    let best = 0;
    for (const secret of this.#secrets) {
      const from = Math.max(0, data.length - secret.length + 1);
      for (let i = data.indexOf(secret[0], from); i !== -1; i = data.indexOf(secret[0], i + 1)) {
        if (data.length - i <= best) break;
        if (startsWith(secret, data, i)) {
          best = data.length - i;
          break;
        }
      }
    }
    return best;
  }
}

/** True when `data` from `at` to its end is a prefix of `secret`. */
function startsWith(secret: Uint8Array, data: Uint8Array, at: number): boolean {
  for (let k = 0; at + k < data.length; k++) if (data[at + k] !== secret[k]) return false;
  return true;
}

function maskAll(data: Uint8Array, secret: Uint8Array): void {
  const first = secret[0];
  const last = data.length - secret.length;
  for (let i = data.indexOf(first); i !== -1 && i <= last; i = data.indexOf(first, i + 1)) {
    let k = 1;
    while (k < secret.length && data[i + k] === secret[k]) k++;
    if (k === secret.length) {
      data.fill(MASK, i, i + secret.length);
      i += secret.length - 1;
    }
  }
}
