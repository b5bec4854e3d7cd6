/**
 * Path patterns of `--allow` rules, matched on the canonical path (after
 * dot-segment removal, RFC 3986 §5.2.4) segment by segment: `*` stands for
 * any run of characters inside one segment, a `**` segment for any number of
 * segments, none included. Nothing else is special. Pure.
 */

/** A checked path pattern. */
export interface PathPattern {
  /** The pattern as written, such as `/repos/acme/**`. */
  readonly text: string;
  readonly segments: readonly Segment[];
}

type Segment =
  | { readonly kind: "any_depth" }
  | { readonly kind: "glob"; readonly regex: RegExp }
  | { readonly kind: "literal"; readonly text: string };

/** Why `text` is not a path pattern, or undefined when it is one. */
export function pathPatternProblem(text: string): string | undefined {
  if (!text.startsWith("/")) return `path "${text}" must start with "/"`;
  if (/[?#\s]/.test(text)) {
    return `path "${text}" must be a path only: no query, fragment or white space`;
  }
  for (const segment of text.slice(1).split("/")) {
    if (segment.includes("**") && segment !== "**") {
      return `path "${text}": "**" stands alone between slashes (as in /repos/**)`;
    }
    if (segment === "." || segment === "..") {
      return `path "${text}" has a dot segment; paths are matched after "." and ".." are resolved`;
    }
  }
  return undefined;
}

/** Compiles a pattern that {@linkcode pathPatternProblem} accepted. */
export function compilePathPattern(text: string): PathPattern {
  const segments = text.slice(1).split("/").map((segment): Segment => {
    if (segment === "**") return { kind: "any_depth" };
    if (!segment.includes("*")) return { kind: "literal", text: segment };
    const body = segment.split("*").map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
      .join("[^/]*");
    return { kind: "glob", regex: new RegExp(`^${body}$`) };
  });
  return { text, segments };
}

/** True when the canonical `path` (no query) matches `pattern`. */
export function matchPath(pattern: PathPattern, path: string): boolean {
  if (!path.startsWith("/")) return false;
  return matchFrom(pattern.segments, 0, path.slice(1).split("/"), 0);
}

function matchFrom(
  pattern: readonly Segment[],
  p: number,
  parts: readonly string[],
  i: number,
): boolean {
  if (p === pattern.length) return i === parts.length;
  const segment = pattern[p];
  switch (segment.kind) {
    case "any_depth":
      for (let j = i; j <= parts.length; j++) if (matchFrom(pattern, p + 1, parts, j)) return true;
      return false;
    case "literal":
      return i < parts.length && parts[i] === segment.text &&
        matchFrom(pattern, p + 1, parts, i + 1);
    case "glob":
      return i < parts.length && segment.regex.test(parts[i]) &&
        matchFrom(pattern, p + 1, parts, i + 1);
    default: {
      const never: never = segment;
      return never;
    }
  }
}
