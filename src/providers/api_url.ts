/**
 * The three forms of `api_url`: a bare host, an https URL whose host and
 * optional path prefix count, and `regex:` matched against the whole host.
 * Pure: text in, a host rule out, or a typed error.
 */

import { AuthsomeError } from "../errors.ts";
import type { PathPattern } from "../policy/path_pattern.ts";

/** How a route recognises a host. */
export type HostRule =
  | { readonly kind: "exact"; readonly host: string }
  | {
    readonly kind: "regex";
    readonly source: string;
    readonly regex: RegExp;
    /** The literal domain every matching host ends with (for CA name constraints). */
    readonly domain: string;
  };

/** One compiled `api_url` entry. */
export interface RouteSpec {
  readonly host: HostRule;
  /** The TCP port the route serves; 443 unless the URL names another. */
  readonly port: number;
  /** A path prefix on a segment boundary, without trailing slash; "" for every path. */
  readonly pathPrefix: string;
  /** When set, only a path matching one of these patterns is on the route (a `routes[].paths` entry). */
  readonly paths?: readonly PathPattern[];
}

const HOST =
  /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;
/** A literal domain suffix of two or more labels, at the start or after an escaped dot. */
const LITERAL_SUFFIX = /(?:^|\\\.)((?:[a-z0-9-]+\\\.)+[a-z0-9-]+)$/i;

/** Lowercases a host and drops a trailing dot, as DNS compares them. */
export function normalizeHost(host: string): string {
  const lower = host.toLowerCase();
  return lower.endsWith(".") ? lower.slice(0, -1) : lower;
}

/** Compiles one `api_url` value. Throws an `invalid` error that says what is wrong. */
export function parseApiUrl(value: string): RouteSpec {
  if (value.startsWith("regex:")) {
    return { host: compileHostRegex(value.slice(6)), port: 443, pathPrefix: "" };
  }
  if (value.includes("://")) return parseUrlForm(value);
  const [host, port, ...rest] = value.split(":");
  if (rest.length > 0 || !HOST.test(normalizeHost(host))) {
    throw invalid(`"${value}" is not a host name, an https:// URL or a regex: pattern`);
  }
  return {
    host: { kind: "exact", host: normalizeHost(host) },
    port: parsePort(value, port),
    pathPrefix: "",
  };
}

function parseUrlForm(value: string): RouteSpec {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid(`"${value}" is not a valid URL`);
  }
  if (url.protocol !== "https:") {
    throw invalid(`"${value}" must use https://: credentials are only ever sent over TLS`);
  }
  if (url.username || url.password || url.search || url.hash) {
    throw invalid(`"${value}" must not carry credentials, a query or a fragment`);
  }
  const host = normalizeHost(url.hostname);
  if (!HOST.test(host)) throw invalid(`"${value}" does not name a valid host`);
  const pathPrefix = url.pathname.replace(/\/+$/, "");
  return { host: { kind: "exact", host }, port: url.port ? Number(url.port) : 443, pathPrefix };
}

function parsePort(value: string, port: string | undefined): number {
  if (port === undefined) return 443;
  const n = Number(port);
  if (!/^\d{1,5}$/.test(port) || n < 1 || n > 65535) {
    throw invalid(`"${value}" has an invalid port`);
  }
  return n;
}

/**
 * Compiles a host pattern anchored and case-insensitive. Rejects a pattern
 * that could match a look-alike host: it must end in a literal domain of two
 * or more labels (`\.googleapis\.com`) with no alternation around it.
 */
export function compileHostRegex(source: string): HostRule {
  const body = source.replace(/^\^/, "").replace(/(?<!\\)\$$/, "");
  try {
    new RegExp(body);
  } catch (error) {
    throw invalid(
      `"regex:${source}" is not a valid regular expression: ${(error as Error).message}`,
    );
  }
  const suffix = hasTopLevelAlternation(body) ? null : LITERAL_SUFFIX.exec(body);
  if (!suffix) {
    throw invalid(
      `"regex:${source}" could match a look-alike host such as "${lookalikeExample(body)}"`,
      'End the pattern with the literal domain, dots escaped, for example "regex:^[a-z0-9-]+\\\\.example\\\\.com$"',
    );
  }
  const domain = suffix[1].replaceAll("\\.", ".").toLowerCase();
  return { kind: "regex", source, regex: new RegExp(`^(?:${body})$`, "i"), domain };
}

/** True when `|` occurs outside any group or character class. */
function hasTopLevelAlternation(body: string): boolean {
  let depth = 0;
  let inClass = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === "\\") i++;
    else if (inClass) inClass = c !== "]";
    else if (c === "[") inClass = true;
    else if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (c === "|" && depth === 0) return true;
  }
  return false;
}

function lookalikeExample(body: string): string {
  const words = body.match(/[a-z0-9-]{3,}/gi) ?? ["example"];
  return `${words.join(".")}.evil.com`.toLowerCase();
}

function invalid(message: string, hint?: string): AuthsomeError {
  return new AuthsomeError("invalid", message, { hint });
}

/** A host rule as written in `api_url`: the exact host, or `regex:PATTERN`. */
export function hostRuleText(rule: HostRule): string {
  return rule.kind === "regex" ? `regex:${rule.source}` : rule.host;
}

/** A route as a user reads it: `host[:port][/prefix]` or `regex:...`. */
export function describeRoute(spec: RouteSpec): string {
  return describeRouteText(
    hostRuleText(spec.host),
    spec.port,
    spec.pathPrefix,
    spec.paths?.map((p) => p.text),
  );
}

/**
 * {@linkcode describeRoute} of a route whose host rule is already text (see
 * {@linkcode hostRuleText}); path patterns follow in brackets.
 */
export function describeRouteText(
  host: string,
  port: number,
  pathPrefix: string,
  paths?: readonly string[],
): string {
  const only = paths ? ` [${paths.join(" ")}]` : "";
  if (host.startsWith("regex:")) return `${host}${only}`;
  return `${host}${port === 443 ? "" : `:${port}`}${pathPrefix}${only}`;
}
