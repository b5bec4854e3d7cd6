/**
 * X.509 name constraints for the local CA (RFC 5280 §4.2.1.10): the CA may
 * certify only DNS names under the domains the providers' API hosts live in,
 * and no IP address unless a provider names one, so a leaked CA key cannot
 * impersonate any other site. Chrome, OpenSSL (curl, Python, Node), Go,
 * GnuTLS, NSS and rustls enforce constraints carried by a trust anchor.
 *
 * Pure: the set arithmetic, and the DER of the extension both ways.
 */

import { childrenOf, contentOf, encodeTlv, equalBytes, readTlv } from "./der.ts";

/** What a CA permits: DNS subtrees, and IPv4 hosts; every other IP address is excluded. */
export interface NameConstraints {
  /** Domains, each permitting itself and every name below it, sorted. */
  readonly dns: readonly string[];
  /** IPv4 addresses permitted one by one, sorted. */
  readonly ip: readonly string[];
}

/** A name one provider's route needs the CA to permit. */
export interface NameNeed {
  readonly provider: string;
  readonly kind: "dns" | "ip";
  /** A domain (for a DNS subtree) or an IPv4 address. */
  readonly name: string;
}

/** id-ce-nameConstraints, 2.5.29.30 (§4.2.1.10). */
export const NAME_CONSTRAINTS_OID = "2.5.29.30";
const NC_OID_CONTENT = new Uint8Array([0x55, 0x1d, 0x1e]);

// GeneralName tags, IMPLICIT (§4.2.1.6): dNSName [2] IA5String, iPAddress [7] OCTET STRING.
const DNS_TAG = 0x82;
const IP_TAG = 0x87;
const SEQUENCE = 0x30;
const PERMITTED = 0xa0;
const EXCLUDED = 0xa1;

/** True when `domain` is `parent` or lies below it, label-wise. */
function within(domain: string, parent: string): boolean {
  return domain === parent || domain.endsWith(`.${parent}`);
}

/** The smallest constraints that permit every need: sorted, deduplicated, nested domains dropped. */
export function constraintsFrom(needs: readonly NameNeed[]): NameConstraints {
  const domains = [...new Set(needs.filter((n) => n.kind === "dns").map((n) => n.name))];
  const dns = domains.filter((d) => !domains.some((other) => other !== d && within(d, other)));
  const ip = [...new Set(needs.filter((n) => n.kind === "ip").map((n) => n.name))];
  return { dns: dns.sort(), ip: ip.sort() };
}

/** True when `constraints` permit the need (a DNS name within a subtree, or a listed IP). */
export function permits(constraints: NameConstraints, need: Omit<NameNeed, "provider">): boolean {
  return need.kind === "dns"
    ? constraints.dns.some((domain) => within(need.name, domain))
    : constraints.ip.includes(need.name);
}

/**
 * The widest subtree of `constraints` that holds the DNS name `name`, or null.
 * Each subtree was made from a registrable domain (or a `regex:` route's own
 * domain), so it names what the Public Suffix List would for a name below it.
 */
export function coveringDomain(constraints: NameConstraints, name: string): string | null {
  const holding = constraints.dns.filter((domain) => within(name, domain));
  return holding.reduce<string | null>(
    (widest, d) => widest && widest.length <= d.length ? widest : d,
    null,
  );
}

/** The needs `constraints` do not permit, one per provider and name. */
export function uncovered(
  needs: readonly NameNeed[],
  constraints: NameConstraints,
): NameNeed[] {
  const seen = new Set<string>();
  return needs.filter((need) => {
    const key = `${need.provider} ${need.kind} ${need.name}`;
    if (permits(constraints, need) || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function ipv4Octets(address: string): Uint8Array {
  const parts = address.split(".").map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    throw new Error(`"${address}" is not an IPv4 address`);
  }
  return Uint8Array.from(parts);
}

const ascii = (text: string) => new TextEncoder().encode(text);
const subtree = (tag: number, content: Uint8Array) => encodeTlv(SEQUENCE, encodeTlv(tag, content));

/**
 * The DER of a NameConstraints value: permitted dNSName subtrees and IPv4
 * hosts (address and all-ones mask, §4.2.1.10), and, when no IPv4 host is
 * permitted, all of IPv4 excluded; all of IPv6 is excluded always.
 */
export function encodeNameConstraints(constraints: NameConstraints): Uint8Array {
  if (constraints.dns.length === 0 && constraints.ip.length === 0) {
    // §4.2.1.10: a CA MUST NOT issue an empty permittedSubtrees.
    throw new Error("name constraints need at least one permitted name");
  }
  const permitted = [
    ...constraints.dns.map((domain) => subtree(DNS_TAG, ascii(domain))),
    ...constraints.ip.map((ip) =>
      subtree(IP_TAG, Uint8Array.from([...ipv4Octets(ip), 255, 255, 255, 255]))
    ),
  ];
  const excluded = [
    ...(constraints.ip.length === 0 ? [subtree(IP_TAG, new Uint8Array(8))] : []),
    subtree(IP_TAG, new Uint8Array(32)),
  ];
  return encodeTlv(SEQUENCE, encodeTlv(PERMITTED, ...permitted), encodeTlv(EXCLUDED, ...excluded));
}

/** Reads the permitted names of a NameConstraints value (as {@linkcode encodeNameConstraints} writes). */
export function decodeNameConstraints(der: Uint8Array): NameConstraints {
  const dns: string[] = [];
  const ip: string[] = [];
  for (const part of childrenOf(der, readTlv(der, 0))) {
    if (part.tag !== PERMITTED) continue;
    for (const general of childrenOf(der, part)) {
      const base = childrenOf(der, general)[0];
      const value = contentOf(der, base);
      if (base.tag === DNS_TAG) dns.push(new TextDecoder().decode(value).toLowerCase());
      else if (base.tag === IP_TAG && value.length === 8) {
        const prefix = [...value.subarray(4)].reduce(
          (bits, byte) => bits + byte.toString(2).replace(/0/g, "").length,
          0,
        );
        const address = [...value.subarray(0, 4)].join(".");
        ip.push(prefix === 32 ? address : `${address}/${prefix}`);
      }
    }
  }
  return { dns: dns.sort(), ip: ip.sort() };
}

/** The permitted names of the certificate `certDer`; undefined when it has no name constraints. */
export function nameConstraintsOf(certDer: Uint8Array): NameConstraints | undefined {
  const certificate = readTlv(certDer, 0);
  const tbs = childrenOf(certDer, childrenOf(certDer, certificate)[0]);
  const extensions = tbs.find((field) => field.tag === 0xa3);
  if (!extensions) return undefined;
  for (const extension of childrenOf(certDer, childrenOf(certDer, extensions)[0])) {
    const parts = childrenOf(certDer, extension);
    if (!equalBytes(contentOf(certDer, parts[0]), NC_OID_CONTENT)) continue;
    // extnValue is an OCTET STRING holding the NameConstraints DER (§4.1.2.9).
    return decodeNameConstraints(contentOf(certDer, parts[parts.length - 1]).slice());
  }
  return undefined;
}
