/** Test helper: machine facts from a list of paths, with nothing read from the real machine. */

import type { MachineFacts, Os } from "./facts.ts";

/** Facts for a machine that has exactly `paths` (files; their folders exist too). */
export function fakeFacts(options: {
  os?: Os;
  home?: string;
  env?: Record<string, string>;
  paths?: string[];
  programs?: Record<string, string>;
  links?: Record<string, string>;
  readOnly?: string[];
}): MachineFacts {
  const paths = new Set<string>();
  for (const path of options.paths ?? []) {
    const parts = path.split("/");
    for (let i = 2; i <= parts.length; i++) paths.add(parts.slice(0, i).join("/"));
  }
  return {
    os: options.os ?? "linux",
    home: options.home ?? "/home/al",
    env: options.env ?? {},
    exists: (path) => paths.has(path),
    list: (dir) =>
      [
        ...new Set(
          [...paths].filter((p) => p.startsWith(`${dir}/`)).map((p) =>
            p.slice(dir.length + 1).split("/")[0]
          ),
        ),
      ].sort(),
    which: (name) => options.programs?.[name],
    realPath: (path) => options.links?.[path] ?? path,
    writable: (path) => !(options.readOnly ?? []).includes(path),
  };
}
