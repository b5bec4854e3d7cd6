/**
 * Leaf certificates: one per intercepted host, all sharing one key
 * (`leaf.key`), signed by the local CA. They carry what strict clients check:
 * a SAN naming the host, serverAuth, Authority and Subject Key Identifiers
 * (Python 3.13 rejects a leaf without an AKI), a random serial, and a
 * validity far under the 200 days Chromium accepts, backdating included.
 */

import type { KeyObject } from "node:crypto";
import { isIPv4, isIPv6 } from "node:net";
import { AuthsomeError } from "../errors.ts";
import { type Ca, caPaths } from "./ca.ts";
import { loadOrCreateKey } from "./key_file.ts";
import {
  buildCertificate,
  derToPem,
  describeKey,
  type NameAttribute,
  OID,
  randomSerial,
} from "./x509.ts";
import { DAY_MS } from "../durations.ts";

/** How far before `now` a leaf becomes valid, in days (client clocks run slow). */
export const LEAF_BACKDATE_DAYS = 1;

/** How long after `now` a leaf stays valid, in days. */
export const LEAF_VALIDITY_DAYS = 90;

// RFC 1123 §2.1 labels; underscores are tolerated because real hosts use them.
const DNS_NAME =
  /^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*$/;

/** The name a leaf certificate is issued for: `host` lower-cased, IPv6 brackets and a trailing dot dropped; throws unless a DNS name or IP. */
export function leafHostName(host: string): string {
  let name = host.toLowerCase();
  if (name.startsWith("[") && name.endsWith("]")) name = name.slice(1, -1);
  if (name.endsWith(".")) name = name.slice(0, -1);
  if (isIPv4(name) || DNS_NAME.test(name)) return name;
  if (isIPv6(name) && !name.includes("%")) {
    return new URL(`http://[${name}]/`).hostname.slice(1, -1);
  }
  throw new AuthsomeError("invalid", `Cannot issue a certificate for "${host}"`, {
    hint: "A certificate names a DNS host name or an IP address",
  });
}

/** Reads the shared leaf key from the CA folder, creating it (0600) on first use. */
export function loadOrCreateLeafKey(caDir: string): Promise<KeyObject> {
  return loadOrCreateKey(caPaths(caDir).leafKey);
}

/** Issues a PEM certificate for `host` (a DNS or IP SAN) and `leafKey`, signed by `ca`. */
export async function issueLeaf(
  ca: Ca,
  host: string,
  leafKey: KeyObject,
  now: Date,
): Promise<string> {
  const name = leafHostName(host);
  const key = describeKey(leafKey);
  const ip = isIPv4(name) || isIPv6(name) ? ipBytes(name) : undefined;
  // ub-common-name is 64 characters (RFC 5280 Appendix A.1); the SAN is what clients check.
  const subject: NameAttribute[] = [[OID.organizationName, "authsome"]];
  if (name.length <= 64) subject.push([OID.commonName, name]);
  const der = await buildCertificate({
    serial: randomSerial(),
    issuer: ca.subject,
    notBefore: new Date(now.getTime() - LEAF_BACKDATE_DAYS * DAY_MS),
    notAfter: new Date(now.getTime() + LEAF_VALIDITY_DAYS * DAY_MS),
    subject,
    subjectKey: leafKey,
    extensions: [
      {
        kind: "keyUsage",
        bits: key.type === "rsa" ? ["digitalSignature", "keyEncipherment"] : ["digitalSignature"],
      },
      { kind: "extKeyUsage", oids: [OID.serverAuth] },
      ip ? { kind: "subjectAltName", ip } : { kind: "subjectAltName", dns: name },
      { kind: "authorityKeyId", keyId: ca.keyId },
      { kind: "subjectKeyId", keyId: key.keyId },
    ],
  }, ca.privateKey);
  return derToPem(der);
}

/** The 4 or 16 octets of an IP address already checked by `isIPv4`/`isIPv6` (RFC 5280 §4.2.1.6). */
function ipBytes(ip: string): Uint8Array {
  if (isIPv4(ip)) return Uint8Array.from(ip.split("."), Number);
  let text = ip;
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number);
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${
      ((c << 8) | d).toString(16)
    }`;
  }
  const [head, tail] = text.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups = tail === undefined
    ? left
    : [...left, ...Array(8 - left.length - right.length).fill("0"), ...right];
  const bytes = new Uint8Array(16);
  groups.forEach((group, i) => {
    const value = parseInt(group, 16);
    bytes[2 * i] = value >> 8;
    bytes[2 * i + 1] = value & 0xff;
  });
  return bytes;
}
