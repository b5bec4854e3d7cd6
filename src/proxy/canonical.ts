/**
 * Request paths as an origin will read them: RFC 3986 §5.2.4 dot-segment
 * removal, after decoding `%2e`, with a backslash (WHATWG URL parsing) or an
 * encoded `/` or `\` inside a dot segment taken as a separator, and a dot
 * segment with `;parameters` (Tomcat) taken as the dot segment. Pure; routes
 * are matched on what this returns, so `/v1/../v2` cannot pass as `/v1`.
 */

/** `.` or `..`, `%2e` in either case standing for a dot, optionally followed by `;params`. */
const DOT_SEGMENT = /^(?:\.|%2e){1,2}(?=$|;)/i;
/** A dot segment ended by an encoded `/` or `\`: the rest is a new segment. */
const DOT_THEN_ENCODED_SLASH = /^((?:\.|%2e){1,2})%(?:2f|5c)/i;
/** Anything that could make a path non-canonical (a dot starting a segment, `\`, `%2f`, `%5c`); most paths have none. */
const SUSPECT = /(?:^|\/)(?:\.|%2e)|\\|%2f|%5c/i;

/** How an origin may read a path besides RFC 3986 (see {@linkcode pathReadings}). */
export interface ReadingOptions {
  /** Empty segments dropped first, as nginx's `merge_slashes` does. */
  readonly mergeSlashes?: boolean;
  /** Every `%2F` and `%5C` taken as a separator, as servers that decode them do. */
  readonly decodeSlashes?: boolean;
}

/**
 * The canonical form of a path (no query): dot segments removed as the
 * origin would, empty segments kept; `options` give other servers' readings.
 */
export function canonicalPath(path: string, options: ReadingOptions = {}): string {
  const { mergeSlashes = false, decodeSlashes = false } = options;
  if (!SUSPECT.test(path) && !(mergeSlashes && path.includes("//"))) return path;
  const input = splitSegments(path, decodeSlashes);
  const out: string[] = [];
  const absolute = path.startsWith("/") || path.startsWith("\\");
  for (let i = absolute ? 1 : 0; i < input.length; i++) {
    const segment = input[i];
    const last = i === input.length - 1;
    if (mergeSlashes && segment === "" && !last) continue;
    const dot = DOT_SEGMENT.exec(segment);
    if (!dot) {
      out.push(segment);
      continue;
    }
    if (dot[0].replace(/%2e/gi, ".").length === 2) out.pop();
    // A trailing dot segment leaves the directory it names: "/a/.." is "/".
    if (last) out.push("");
  }
  return `${absolute ? "/" : ""}${out.join("/")}`;
}

const READINGS: readonly ReadingOptions[] = [
  {},
  { mergeSlashes: true },
  { mergeSlashes: true, decodeSlashes: true },
];

/**
 * Every way an origin may read `path` that differs from the path as sent:
 * RFC 3986, with slashes merged, and with encoded slashes decoded too. A
 * route decision must hold for each of them. Empty for most paths.
 */
export function pathReadings(path: string): string[] {
  const out: string[] = [];
  for (const options of READINGS) {
    const reading = canonicalPath(path, options);
    if (reading !== path && !out.includes(reading)) out.push(reading);
  }
  return out;
}

/**
 * Splits on `/` and `\`, after a dot segment on `%2F` and `%5C` too, and
 * with `decodeSlashes` on every `%2F` and `%5C`.
 */
function splitSegments(path: string, decodeSlashes: boolean): string[] {
  if (decodeSlashes) return path.split(/[/\\]|%2f|%5c/i);
  const out: string[] = [];
  for (let segment of path.split(/[/\\]/)) {
    let m: RegExpExecArray | null;
    while ((m = DOT_THEN_ENCODED_SLASH.exec(segment)) !== null) {
      out.push(m[1]);
      segment = segment.slice(m[0].length);
    }
    out.push(segment);
  }
  return out;
}
