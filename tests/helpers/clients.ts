/**
 * Outside programs the end-to-end tests drive. A test whose client is missing
 * is skipped with a one-line reason, except under AUTHSOME_REQUIRE_CLIENTS=1
 * (CI), where a missing client is a failure.
 */

const required = Deno.env.get("AUTHSOME_REQUIRE_CLIENTS") === "1";

function found(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

/** The absolute path of `name` on PATH, if any. */
export function which(name: string): string | undefined {
  if (name.includes("/")) return found(name) ? name : undefined;
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    if (dir && found(`${dir}/${name}`)) return `${dir}/${name}`;
  }
  return undefined;
}

/**
 * Resolves a client for a test: its path, or undefined after printing why the
 * test will be skipped. Under AUTHSOME_REQUIRE_CLIENTS=1 a missing client throws.
 */
export function client(
  name: string,
  why: string,
  probe?: (path: string) => boolean,
): string | undefined {
  const path = which(name);
  if (path && (!probe || probe(path))) return path;
  const reason = `${name} is missing (${why})`;
  if (required) throw new Error(`CI requires ${reason}`);
  // deno-lint-ignore no-console
  console.error(`skip: ${reason}`);
  return undefined;
}

/** True when a python3 at `path` can import every module named. */
export function pythonHas(path: string, ...modules: string[]): boolean {
  const out = new Deno.Command(path, {
    args: ["-c", `import ${modules.join(", ")}`],
    stderr: "null",
    stdout: "null",
  })
    .outputSync();
  return out.success;
}
