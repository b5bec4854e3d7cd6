/**
 * Everything the CLI writes to the terminal goes through here: plain text,
 * JSON, tables and colour. No other module prints.
 */

const encoder = new TextEncoder();

/** Where output goes; tests and the CLI pass real streams. */
export interface Sink {
  writeSync(bytes: Uint8Array): number;
}

function writeAll(sink: Sink, text: string): void {
  writeBytes(sink, encoder.encode(text));
}

function writeBytes(sink: Sink, data: Uint8Array): void {
  let bytes = data;
  try {
    while (bytes.length > 0) bytes = bytes.subarray(sink.writeSync(bytes));
  } catch (error) {
    // A reader that went away (`authsome list | head`) is not an error of ours.
    if (!(error instanceof Deno.errors.BrokenPipe)) throw error;
  }
}

/** ANSI styles, or none when colour is off. */
export interface Style {
  bold(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  red(text: string): string;
}

function ansi(open: number, close: number): (text: string) => string {
  return (text) => `\x1b[${open}m${text}\x1b[${close}m`;
}

const plain = (text: string) => text;

/** Terminal output with optional colour. */
export class Output {
  readonly style: Style;
  readonly #stdout: Sink;
  readonly #stderr: Sink;

  constructor(options: { stdout: Sink; stderr: Sink; color: boolean }) {
    this.#stdout = options.stdout;
    this.#stderr = options.stderr;
    this.style = options.color
      ? {
        bold: ansi(1, 22),
        green: ansi(32, 39),
        yellow: ansi(33, 39),
        red: ansi(31, 39),
      }
      : { bold: plain, green: plain, yellow: plain, red: plain };
  }

  /** Writes a line (or lines) to stdout. */
  line(text = ""): void {
    writeAll(this.#stdout, `${text}\n`);
  }

  /** Writes text to stdout as is. */
  raw(text: string): void {
    writeAll(this.#stdout, text);
  }

  /** Writes bytes to stdout as they are (a DER certificate). */
  bytes(data: Uint8Array): void {
    writeBytes(this.#stdout, data);
  }

  /** Writes a value as pretty JSON to stdout. */
  json(value: unknown): void {
    writeAll(this.#stdout, `${JSON.stringify(value, null, 2)}\n`);
  }

  /** Writes a line to stderr. */
  note(text: string): void {
    writeAll(this.#stderr, `${text}\n`);
  }

  /** Writes a warning line to stderr. */
  warn(text: string): void {
    writeAll(this.#stderr, `${this.style.yellow("warning:")} ${text}\n`);
  }

  /** Writes an error with its hint to stderr. */
  error(message: string, hint?: string): void {
    writeAll(this.#stderr, `${this.style.red("error:")} ${message}\n${hint ? `${hint}\n` : ""}`);
  }

  /** Writes rows as aligned columns, the first row as the header. */
  table(rows: readonly (readonly string[])[]): void {
    if (rows.length === 0) return;
    // deno-lint-ignore no-control-regex
    const visible = (cell: string) => cell.replace(/\x1b\[[0-9;]*m/g, "").length;
    const widths = rows[0].map((_, col) => Math.max(...rows.map((row) => visible(row[col] ?? ""))));
    rows.forEach((row, i) => {
      const cells = row.map((cell, col) =>
        col === row.length - 1 ? cell : cell + " ".repeat(widths[col] - visible(cell))
      );
      const text = cells.join("  ").trimEnd();
      this.line(i === 0 ? this.style.bold(text) : text);
    });
  }
}

/** Whether colour is wanted: a TTY, no `NO_COLOR`, no `--no-color`. */
export function wantsColor(
  env: Readonly<Record<string, string | undefined>>,
  noColorFlag: boolean,
): boolean {
  if (noColorFlag || (env.NO_COLOR ?? "") !== "" || env.TERM === "dumb") return false;
  return Deno.stdout.isTerminal();
}

/** Output on the process's own stdout and stderr. */
export function processOutput(color: boolean): Output {
  return new Output({ stdout: Deno.stdout, stderr: Deno.stderr, color });
}
