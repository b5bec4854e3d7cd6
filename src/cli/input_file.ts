/** Files named on the command line, read whole: a file that cannot be read is "not found" (exit 3). */

import { AuthsomeError } from "../errors.ts";

/** The text of `file`, or a not-found error naming it and why. */
export async function readInputFile(file: string): Promise<string> {
  try {
    return await Deno.readTextFile(file);
  } catch (error) {
    throw new AuthsomeError("not_found", `Cannot read "${file}": ${(error as Error).message}`);
  }
}
