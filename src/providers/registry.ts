/**
 * The provider registry: the bundled definitions, then the user's files in
 * `$AUTHSOME_HOME/providers/`, each replacing a bundled one of the same name.
 * A broken user file is reported and skipped; it never stops the others. A
 * folder or file that another user owns, or group or others may write, stops
 * the load: it could send credentials elsewhere.
 */

import { join } from "node:path";
import { AuthsomeError } from "../errors.ts";
import { assertPrivatePath } from "../private_path.ts";
import { closest } from "../suggest.ts";
import { BUNDLED_DIGEST } from "./bundled_digest.ts";
import { compileRoutes, injectionsOf } from "./compile.ts";
import type { Route } from "./matcher.ts";
import {
  type CachedProvider,
  type CheckedFiles,
  type FileProblems,
  type ProviderSource,
  readRegistryCache,
  registryKey,
  type UserFile,
  writeRegistryCache,
} from "./registry_cache.ts";
import type { ProviderFile } from "./schema.ts";
import type { Problem } from "../schema_problems.ts";
import type { CheckedProvider } from "./validate.ts";

/** A loaded provider. */
export interface Provider extends CheckedProvider {
  readonly name: string;
  readonly source: ProviderSource;
}

/** Every provider, the routes they declare, and the files that could not be loaded. */
export interface Registry {
  readonly providers: ReadonlyMap<string, Provider>;
  readonly routes: readonly Route[];
  readonly broken: readonly FileProblems[];
}

/** Reads the user's provider files, refusing a folder or file others could have written. */
async function readUserFiles(dir: string): Promise<UserFile[]> {
  await assertPrivatePath(dir);
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (entry.name.endsWith(".json") && !entry.isDirectory) names.push(entry.name);
    }
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw new AuthsomeError("internal", `Cannot read provider folder "${dir}"`, { cause: error });
  }
  return await Promise.all(
    names.sort().map(async (name) => {
      const path = join(dir, name);
      await assertPrivatePath(path);
      return { path, text: await Deno.readTextFile(path) };
    }),
  );
}

/** Checks every file with the schema; loads zod and the bundled definitions, so only on a cache miss. */
async function checkFiles(user: readonly UserFile[]): Promise<CheckedFiles> {
  const [{ checkProvider, checkProviderFile }, { BUNDLED_PROVIDERS }] = await Promise.all([
    import("./validate.ts"),
    import("./bundled.ts"),
  ]);
  const providers: CachedProvider[] = BUNDLED_PROVIDERS.map((raw) => {
    const result = checkProvider(raw);
    if (!result.ok) {
      const name = (raw as Partial<ProviderFile>).name;
      throw new AuthsomeError(
        "internal",
        `Bundled provider "${name}" is invalid: ${result.problems[0].message}`,
      );
    }
    return { definition: result.provider.definition, source: { kind: "bundled" } };
  });
  const broken: FileProblems[] = [];
  for (const { path, text } of user) {
    const result = checkProviderFile(path, text);
    if (!result.ok) {
      broken.push({ file: path, problems: result.problems });
      continue;
    }
    providers.push({ definition: result.provider.definition, source: { kind: "user", path } });
  }
  return { providers, broken };
}

/** Builds the registry from checked definitions; undefined if one no longer compiles. */
function assemble(checked: CheckedFiles): Registry | undefined {
  const byName = new Map<string, Provider>();
  for (const { definition, source } of checked.providers) {
    const problems: Problem[] = [];
    const routes = compileRoutes(definition, problems);
    if (problems.length > 0) return undefined;
    const injections = injectionsOf(definition);
    byName.set(definition.name, { definition, routes, injections, name: definition.name, source });
  }
  // Names are lowercase ASCII: code-unit order, not localeCompare, whose collator costs ~7 ms.
  const sorted = new Map([...byName.entries()].sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0));
  const routes = [...sorted.values()].flatMap((provider) =>
    provider.routes.map((spec): Route => ({ ...spec, provider: provider.name }))
  );
  return { providers: sorted, routes, broken: checked.broken };
}

/** Where the checked definitions are cached, and the vault-held secret that authenticates them. */
export interface RegistryCache {
  readonly dir: string;
  readonly secret: Uint8Array<ArrayBuffer>;
}

/**
 * Loads the bundled providers and the user's files in `userDir`, each user file
 * replacing a bundled one of its name. With `cache`, the checked definitions
 * are cached there (see registry_cache.ts).
 */
export async function loadRegistry(userDir: string, cache?: RegistryCache): Promise<Registry> {
  const user = await readUserFiles(userDir);
  if (cache === undefined) return assemble(await checkFiles(user))!;
  const key = await registryKey(BUNDLED_DIGEST, user);
  const cached = await readRegistryCache(cache.dir, key, cache.secret);
  const registry = cached && assemble(cached);
  if (registry) return registry;
  const checked = await checkFiles(user);
  await writeRegistryCache(cache.dir, key, checked, cache.secret);
  return assemble(checked)!;
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
