/**
 * The audit log: one JSON line per intercepted request in
 * `$AUTHSOME_HOME/audit.log` (0600). It records who talked to which host
 * and how it went, never a header value or a query string.
 */

/** One intercepted request. */
export interface AuditEntry {
  readonly time: string;
  readonly run: string;
  readonly provider: string | null;
  readonly connection: string | null;
  readonly method: string;
  readonly host: string;
  /** The path without the query string. */
  readonly path: string;
  /** The upstream's status, or the proxy's own answer (502, 421, …). */
  readonly status: number;
  readonly bytes_up: number;
  readonly bytes_down: number;
  readonly duration_ms: number;
  readonly injected: boolean;
  /** A short code when the proxy answered itself, such as `authsome_upstream`. */
  readonly error?: string;
  /** Why no credential was injected, when the proxy knows (`log` names it). */
  readonly reason?: NotInjected;
  /** The `--allow` rule that let the credential serve the request, when the run had rules. */
  readonly policy?: string;
  /** Headers (lower case) and query parameters (`?name`) that carried the placeholder: replaced or removed. */
  readonly placeholders?: Readonly<Record<string, "replaced" | "removed">>;
}

/** Why a request went out without a credential. */
export type NotInjected = "ambiguous" | "no_connection" | "not_approved";

/**
 * `entry` with its reason filled in when the proxy left it out but the run
 * knows it: a request without a provider to a host the proxy reported as
 * matched by more than one provider is `ambiguous`.
 */
export function withReason(entry: AuditEntry, ambiguousHosts: ReadonlySet<string>): AuditEntry {
  if (entry.injected || entry.reason || entry.provider !== null) return entry;
  return ambiguousHosts.has(entry.host) ? { ...entry, reason: "ambiguous" } : entry;
}

const encoder = new TextEncoder();

/** How long appended lines may wait before they are written, so a busy proxy writes in batches. */
const FLUSH_MS = 50;

/**
 * An append-only JSONL writer. Lines are batched for up to 50 ms and written
 * with O_APPEND in one call, whole lines only; `close()` writes what waits.
 */
export class AuditLog {
  readonly #path: string;
  #file: Deno.FsFile | undefined;
  #waiting: string[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(path: string) {
    this.#path = path;
  }

  /** Queues one entry. Failure to write the log never fails the request. */
  append(entry: AuditEntry): void {
    this.#waiting.push(`${JSON.stringify(entry)}\n`);
    if (this.#timer === undefined) {
      this.#timer = setTimeout(() => this.flush(), FLUSH_MS);
      Deno.unrefTimer(this.#timer);
    }
  }

  /** Writes every queued line now; false when the log could not be written. */
  flush(): boolean {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#waiting.length === 0) return true;
    const text = this.#waiting.join("");
    this.#waiting = [];
    try {
      this.#file ??= Deno.openSync(this.#path, { append: true, create: true, mode: 0o600 });
      let rest = encoder.encode(text);
      while (rest.length > 0) rest = rest.subarray(this.#file.writeSync(rest));
      return true;
    } catch {
      return false;
    }
  }

  /** Writes what waits and closes the file. */
  close(): void {
    this.flush();
    this.#file?.close();
    this.#file = undefined;
  }
}

/** Parses the log's lines, skipping any that are not whole JSON objects (a line being written). */
export function parseAuditLines(text: string): AuditEntry[] {
  const entries: AuditEntry[] = [];
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    try {
      const value = JSON.parse(line);
      if (value && typeof value === "object" && typeof value.host === "string") entries.push(value);
    } catch {
      // A partial last line: skipped.
    }
  }
  return entries;
}
