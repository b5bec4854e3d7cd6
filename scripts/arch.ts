// deno-lint-ignore-file no-console
/**
 * `deno task arch`: the rules of scripts/arch/rules.ts over this repository.
 * Prints one `file: rule` line per finding and exits 1 when there is any.
 */

import { fileURLToPath } from "node:url";
import {
  importCycles,
  loudModules,
  type SourceFile,
  testOnlyExports,
  testsWithoutAssertions,
} from "./arch/rules.ts";

const root = fileURLToPath(new URL("../", import.meta.url));

async function* walk(dir: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(`${root}${dir}`)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) yield* walk(path);
    else if (entry.name.endsWith(".ts")) yield path;
  }
}

const files: SourceFile[] = [{ path: "main.ts", text: await Deno.readTextFile(`${root}main.ts`) }];
for (const dir of ["src", "tests", "scripts"]) {
  for await (const path of walk(dir)) {
    files.push({ path, text: await Deno.readTextFile(`${root}${path}`) });
  }
}
const findings = [
  ...importCycles(files),
  ...testOnlyExports(files),
  ...loudModules(files),
  ...testsWithoutAssertions(files),
];
for (const finding of findings) console.log(`${finding.file}: ${finding.rule}`);
console.error(
  findings.length === 0
    ? `arch: ${files.length} files, no findings`
    : `arch: ${findings.length} finding(s) in ${files.length} files`,
);
Deno.exit(findings.length === 0 ? 0 : 1);
