/**
 * A secret value that cannot be printed by accident: `String()`, JSON and
 * `Deno.inspect` all give `[redacted]`. Only {@linkcode Secret.reveal} gives
 * the value, and it is called where a header is written and in the vault.
 */

const REDACTED = "[redacted]";

/** A string that redacts itself everywhere except through `reveal()`. */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The real value. Call only where it must leave the process. */
  reveal(): string {
    return this.#value;
  }

  /** True when the secret is the empty string. */
  get empty(): boolean {
    return this.#value.length === 0;
  }

  /** Always `[redacted]`. */
  toString(): string {
    return REDACTED;
  }

  /** Always `[redacted]`. */
  toJSON(): string {
    return REDACTED;
  }

  /** Always `[redacted]`. */
  [Symbol.for("Deno.customInspect")](): string {
    return REDACTED;
  }

  /** Always `[redacted]`. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return REDACTED;
  }
}
