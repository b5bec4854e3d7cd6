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
}

const encoder = new TextEncoder();

/** An append-only JSONL writer; each line is written whole with O_APPEND. */
export class AuditLog {
  readonly #path: string;
  #file: Deno.FsFile | undefined;

  constructor(path: string) {
    this.#path = path;
  }

  /** Appends one entry. Failure to write the log never fails the request. */
  append(entry: AuditEntry): boolean {
    try {
      this.#file ??= Deno.openSync(this.#path, { append: true, create: true, mode: 0o600 });
      const line = encoder.encode(`${JSON.stringify(entry)}\n`);
      let rest = line;
      while (rest.length > 0) rest = rest.subarray(this.#file.writeSync(rest));
      return true;
    } catch {
      return false;
    }
  }

  /** Closes the file. */
  close(): void {
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
