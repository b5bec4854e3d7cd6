/** How provider-file problems read on the terminal: `file → json.path: message`. */

import type { Problem } from "../schema_problems.ts";

/** One problem as a line. */
export function formatProblem(file: string, problem: Problem): string {
  return `${file} → ${problem.path || "(file)"}: ${problem.message}`;
}
