/**
 * Which names the providers' routes need the CA to permit: an exact host
 * needs its registrable domain (`api.openai.com` → `openai.com`, by the
 * Public Suffix List with its private section, as browsers use it), a
 * `regex:` route needs the literal domain its pattern ends with, and an IPv4
 * host needs itself. The list comes from the `tldts` package, loaded only
 * when the names are computed.
 */

import { isIPv4 } from "node:net";
import type { HostRule } from "../providers/api_url.ts";
import type { NameNeed } from "./name_constraints.ts";

/** A route as far as the CA is concerned: its provider and how it recognises hosts. */
export interface RouteHost {
  readonly provider: string;
  readonly host: HostRule;
}

/** The registrable domain of a host, or null when it has none (a public suffix, a single label). */
export type Registrable = (host: string) => string | null;

/** The names `routes` need, given a registrable-domain function (pure; for tests). */
export function namesFor(routes: readonly RouteHost[], registrable: Registrable): NameNeed[] {
  return routes.map(({ provider, host }): NameNeed => {
    if (host.kind === "regex") return { provider, kind: "dns", name: host.domain };
    if (isIPv4(host.host)) return { provider, kind: "ip", name: host.host };
    return { provider, kind: "dns", name: registrable(host.host) ?? host.host };
  });
}

let loading: Promise<Registrable> | undefined;

/** The registrable-domain function backed by the Public Suffix List, loaded once. */
export function loadRegistrable(): Promise<Registrable> {
  loading ??= import("tldts").then(({ getDomain }) => (host: string) =>
    getDomain(host, { allowPrivateDomains: true, validateHostname: false })
  );
  return loading;
}

/** The names `routes` need, by the Public Suffix List. */
export async function providerNames(routes: readonly RouteHost[]): Promise<NameNeed[]> {
  return namesFor(routes, await loadRegistrable());
}
