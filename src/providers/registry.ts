/**
 * The provider registry: the bundled definitions, then the user's files in
 * `$AUTHSOME_HOME/providers/`, each replacing a bundled one of the same name.
 * A broken user file is reported and skipped; it never stops the others.
 */

import { basename, join } from "node:path";
import { AuthsomeError } from "../errors.ts";
import { closest } from "../suggest.ts";
import { BUNDLED_PROVIDERS } from "./bundled.ts";
import type { Route } from "./matcher.ts";
import type { ProviderFile } from "./schema.ts";
import { type CheckedProvider, checkProvider, type Problem } from "./validate.ts";

/** Where a definition came from. */
export type ProviderSource = { readonly kind: "bundled" } | {
  readonly kind: "user";
  readonly path: string;
};

/** A loaded provider. */
export interface Provider extends CheckedProvider {
  readonly name: string;
  readonly source: ProviderSource;
}

/** The problems of one file that could not be loaded. */
export interface FileProblems {
  readonly file: string;
  readonly problems: readonly Problem[];
}

/** Every provider, the routes they declare, and the files that could not be loaded. */
export interface Registry {
  readonly providers: ReadonlyMap<string, Provider>;
  readonly routes: readonly Route[];
  readonly broken: readonly FileProblems[];
}

/** Parses a provider file's text; JSON errors become a problem at the root. */
export function checkProviderText(text: string): ReturnType<typeof checkProvider> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return {
      ok: false,
      problems: [{ path: "", message: `not valid JSON: ${(error as Error).message}` }],
    };
  }
  return checkProvider(raw);
}

function bundledProviders(): Provider[] {
  return BUNDLED_PROVIDERS.map((raw) => {
    const result = checkProvider(raw);
    if (!result.ok) {
      const name = (raw as Partial<ProviderFile>).name;
      throw new AuthsomeError(
        "internal",
        `Bundled provider "${name}" is invalid: ${result.problems[0].message}`,
      );
    }
    return {
      ...result.provider,
      name: result.provider.definition.name,
      source: { kind: "bundled" },
    };
  });
}

async function userProviders(
  dir: string,
): Promise<{ providers: Provider[]; broken: FileProblems[] }> {
  const providers: Provider[] = [];
  const broken: FileProblems[] = [];
  let names: string[];
  try {
    names = [];
    for await (const entry of Deno.readDir(dir)) {
      if (entry.name.endsWith(".json") && !entry.isDirectory) names.push(entry.name);
    }
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return { providers, broken };
    throw new AuthsomeError("internal", `Cannot read provider folder "${dir}"`, { cause: error });
  }
  for (const name of names.sort()) {
    const file = join(dir, name);
    const result = checkProviderText(await Deno.readTextFile(file));
    if (!result.ok) {
      broken.push({ file, problems: result.problems });
      continue;
    }
    const expected = basename(name, ".json");
    if (result.provider.definition.name !== expected) {
      const message =
        `name "${result.provider.definition.name}" differs from the file name; rename one to match`;
      broken.push({ file, problems: [{ path: "name", message }] });
      continue;
    }
    providers.push({ ...result.provider, name: expected, source: { kind: "user", path: file } });
  }
  return { providers, broken };
}

/** Loads the bundled providers and the user's files in `userDir`. */
export async function loadRegistry(userDir: string): Promise<Registry> {
  const byName = new Map<string, Provider>();
  for (const provider of bundledProviders()) byName.set(provider.name, provider);
  const user = await userProviders(userDir);
  for (const provider of user.providers) byName.set(provider.name, provider);
  const sorted = new Map([...byName.entries()].sort(([a], [b]) => a.localeCompare(b)));
  const routes = [...sorted.values()].flatMap((provider) =>
    provider.routes.map((spec): Route => ({
      ...spec,
      provider: provider.name,
      injections: provider.injections,
    }))
  );
  return { providers: sorted, routes, broken: user.broken };
}

/** The provider called `name`, or a `not_found` error with a suggestion. */
export function getProvider(registry: Registry, name: string): Provider {
  const provider = registry.providers.get(name);
  if (provider) return provider;
  const guess = closest(name, registry.providers.keys());
  throw new AuthsomeError("not_found", `Unknown provider "${name}"`, {
    hint: guess ? `Did you mean "${guess}"? Run: authsome list` : "Run: authsome list",
  });
}
