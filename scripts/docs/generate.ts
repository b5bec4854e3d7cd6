/**
 * The generated reference pages: reads the provider files, renders both
 * pages and formats them as `deno fmt` would, so that the files on disk, the
 * formatter and the freshness test in tests/docs_test.ts all agree.
 */

import { fileURLToPath } from "node:url";
import { COMMANDS } from "../../src/cli/commands.ts";
import { checkProviderText } from "../../src/providers/validate.ts";
import type { ProviderFile } from "../../src/providers/schema.ts";
import { renderCliReference } from "./cli_reference.ts";
import { renderProvidersReference } from "./providers_reference.ts";

/** The repository root. */
export const ROOT: string = fileURLToPath(new URL("../../", import.meta.url));

/** One generated page: its path from the root and its text. */
export interface Page {
  readonly path: string;
  readonly text: string;
}

/** Every bundled provider definition, checked, from `providers/*.json`. */
export async function bundledDefinitions(): Promise<ProviderFile[]> {
  const out: ProviderFile[] = [];
  for await (const entry of Deno.readDir(`${ROOT}providers`)) {
    if (!entry.isFile || !entry.name.endsWith(".json")) continue;
    const result = checkProviderText(await Deno.readTextFile(`${ROOT}providers/${entry.name}`));
    if (!result.ok) {
      throw new Error(
        `providers/${entry.name}: ${result.problems.map((p) => p.message).join("; ")}`,
      );
    }
    out.push(result.provider.definition);
  }
  return out;
}

/** Formats Markdown with the repository's `deno fmt` settings. */
export async function formatMarkdown(text: string): Promise<string> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["fmt", "--config", `${ROOT}deno.json`, "--ext", "md", "-"],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(text));
  await writer.close();
  const out = await child.output();
  if (!out.success) throw new Error(`deno fmt failed: ${new TextDecoder().decode(out.stderr)}`);
  return new TextDecoder().decode(out.stdout);
}

/** The generated pages as they should be on disk. */
export async function generatedPages(): Promise<Page[]> {
  return [
    { path: "docs/reference/cli.md", text: await formatMarkdown(renderCliReference(COMMANDS)) },
    {
      path: "docs/reference/providers.md",
      text: await formatMarkdown(renderProvidersReference(await bundledDefinitions())),
    },
  ];
}
