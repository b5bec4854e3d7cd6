/**
 * A hidden prompt on the terminal: no echo, Ctrl-C cancels cleanly, the
 * terminal mode is always restored.
 */

import { AuthsomeError } from "../errors.ts";

const encoder = new TextEncoder();

/** Reads a line from the terminal without echoing it; Ctrl-C throws `cancelled` as the message. */
export async function promptHidden(
  question: string,
  cancelled = "Cancelled; nothing was stored",
): Promise<string> {
  // Raw before the question shows, so a Ctrl-C typed at once is read here, not sent as SIGINT.
  Deno.stdin.setRaw(true);
  const bytes: number[] = [];
  const buffer = new Uint8Array(256);
  try {
    await Deno.stderr.write(encoder.encode(question));
    for (;;) {
      const n = await Deno.stdin.read(buffer);
      if (n === null) break;
      for (const byte of buffer.subarray(0, n)) {
        if (byte === 3 || (byte === 4 && bytes.length === 0)) {
          throw new AuthsomeError("cancelled", cancelled);
        }
        if (byte === 13 || byte === 10) return new TextDecoder().decode(new Uint8Array(bytes));
        if (byte === 127 || byte === 8) bytes.pop();
        else bytes.push(byte);
      }
    }
    return new TextDecoder().decode(new Uint8Array(bytes));
  } finally {
    Deno.stdin.setRaw(false);
    await Deno.stderr.write(encoder.encode("\n"));
  }
}
