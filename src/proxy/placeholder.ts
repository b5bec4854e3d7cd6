/**
 * The placeholder never reaches a provider: a header or query parameter the
 * child filled with `authsome-proxy-managed` gets the real credential in its
 * own format when the provider accepts it there (`accepts` in the provider
 * definition), and is removed otherwise. Pure.
 */

import type { Placement } from "../auth/injection.ts";
import { PLACEHOLDER } from "../run/env.ts";
import type { HeaderField, RequestHead } from "./request_head.ts";

/** What became of one header or query parameter that carried the placeholder. */
export interface PlaceholderFate {
  readonly where: "header" | "query";
  /** The header name in lower case, or the query parameter name. */
  readonly name: string;
  readonly fate: "replaced" | "removed";
}

const NONE: readonly PlaceholderFate[] = [];

function accepted(
  credentials: readonly Placement[],
  kind: Placement["kind"],
  name: string,
): Placement | undefined {
  return credentials.find((c) =>
    c.kind === kind && (kind === "query" ? c.name === name : c.name.toLowerCase() === name)
  );
}

/** The head with every placeholder replaced by an `accepted` credential or removed, and what happened. */
export function scrubPlaceholders(
  head: RequestHead,
  credentials: readonly Placement[],
): { readonly head: RequestHead; readonly fates: readonly PlaceholderFate[] } {
  const inHeaders = head.headers.some(([, value]) => value.includes(PLACEHOLDER));
  const inQuery = head.target.includes(PLACEHOLDER);
  if (!inHeaders && !inQuery) return { head, fates: NONE };
  const fates: PlaceholderFate[] = [];
  let headers = head.headers;
  if (inHeaders) {
    const out: HeaderField[] = [];
    for (const field of head.headers) {
      if (!field[1].includes(PLACEHOLDER)) {
        out.push(field);
        continue;
      }
      const name = field[0].toLowerCase();
      const credential = accepted(credentials, "header", name);
      if (credential) out.push([field[0], credential.value.reveal()]);
      fates.push({ where: "header", name, fate: credential ? "replaced" : "removed" });
    }
    headers = out;
  }
  const target = inQuery ? scrubQuery(head.target, credentials, fates) : head.target;
  return { head: { ...head, headers, target }, fates };
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text.replaceAll("+", " "));
  } catch {
    return text;
  }
}

function scrubQuery(
  target: string,
  credentials: readonly Placement[],
  fates: PlaceholderFate[],
): string {
  const q = target.indexOf("?");
  if (q === -1) return target;
  const kept: string[] = [];
  for (const pair of target.slice(q + 1).split("&")) {
    const eq = pair.indexOf("=");
    const value = eq === -1 ? "" : pair.slice(eq + 1);
    if (!decode(value).includes(PLACEHOLDER)) {
      kept.push(pair);
      continue;
    }
    const name = decode(pair.slice(0, eq));
    const credential = accepted(credentials, "query", name);
    if (credential) {
      kept.push(`${pair.slice(0, eq)}=${encodeURIComponent(credential.value.reveal())}`);
    }
    fates.push({ where: "query", name, fate: credential ? "replaced" : "removed" });
  }
  return kept.length === 0 ? target.slice(0, q) : `${target.slice(0, q)}?${kept.join("&")}`;
}
