/** `authsome providers validate FILE`: every problem of a provider file, with its JSON path. */

import { checkProviderFile } from "../../providers/validate.ts";
import type { Context } from "../command.ts";
import { readInputFile } from "../input_file.ts";
import { EXIT } from "../exit_codes.ts";
import { formatProblem } from "../../schema_problems.ts";

/** Runs the command. */
export async function run(ctx: Context): Promise<number> {
  const file = ctx.args.positionals[0];
  const text = await readInputFile(file);
  const result = checkProviderFile(file, text);
  if (ctx.flags.json) {
    ctx.out.json(
      result.ok
        ? { file, valid: true, problems: [] }
        : { file, valid: false, problems: result.problems },
    );
  } else if (result.ok) {
    const { definition, routes } = result.provider;
    ctx.out.line(`${file}: valid provider "${definition.name}" with ${routes.length} route(s)`);
  } else {
    for (const problem of result.problems) ctx.out.line(formatProblem(file, problem));
    ctx.out.note(`${result.problems.length} problem(s) in ${file}`);
  }
  return result.ok ? EXIT.ok : EXIT.error;
}
