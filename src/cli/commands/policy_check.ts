/** `authsome policy check FILE`: every problem of a run policy file, or its effective rules. */

import { checkPolicy } from "../../policy/mod.ts";
import { formatProblem } from "../../schema_problems.ts";
import type { Context } from "../command.ts";
import { readInputFile } from "../input_file.ts";
import { EXIT } from "../exit_codes.ts";

/** Runs the command. */
export async function run(ctx: Context): Promise<number> {
  const file = ctx.args.positionals[0];
  const text = await readInputFile(file);
  const registry = await ctx.registry();
  const result = await checkPolicy(text, new Set(registry.providers.keys()));
  if (!result.ok) {
    if (ctx.flags.json) ctx.out.json({ file, valid: false, problems: result.problems });
    else {
      for (const problem of result.problems) ctx.out.line(formatProblem(file, problem));
      ctx.out.note(`${result.problems.length} problem(s) in ${file}`);
    }
    return EXIT.usage;
  }
  const { rules, budgets } = result.policy;
  const providers = [...new Set([...rules.keys(), ...budgets.keys()])].sort();
  if (ctx.flags.json) {
    ctx.out.json({
      file,
      valid: true,
      providers: Object.fromEntries(providers.map((name) => [name, {
        allow: rules.has(name) ? rules.get(name)!.map((rule) => rule.text) : null,
        max_requests: budgets.get(name) ?? null,
      }])),
    });
    return EXIT.ok;
  }
  ctx.out.line(`${file}: valid policy for ${providers.length} provider(s)`);
  const rows = [["provider", "allows", "max requests"]];
  for (const name of providers) {
    const list = rules.get(name);
    const allows = list === undefined
      ? "every request"
      : list.length === 0
      ? "no request"
      : list.map((rule) => rule.text.slice(name.length + 1) || "every request").join(", ");
    rows.push([name, allows, String(budgets.get(name) ?? "no limit")]);
  }
  ctx.out.table(rows);
  return EXIT.ok;
}
