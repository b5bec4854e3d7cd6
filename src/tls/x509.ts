/**
 * X.509 building blocks shared by the CA and the leaves (RFC 5280 §4.1). The
 * DER is built with node-forge's ASN.1 module and signed with `node:crypto`:
 * forge's own certificate API knows only RSA keys and signs about ten times
 * slower, so the TBSCertificate is assembled here field by field.
 */

// @ts-types="npm:@types/node-forge@1.3.14"
import type forgeModule from "node-forge";
import { Buffer } from "node:buffer";
import { createHash, createPublicKey, type KeyObject, randomBytes, sign } from "node:crypto";
import { AuthsomeError } from "../errors.ts";
import { childrenOf, contentOf, equalBytes, readTlv } from "./der.ts";

type Forge = typeof forgeModule;
type Asn1 = forgeModule.asn1.Asn1;

/** Object identifiers used below (RFC 5280 §4.1.2.4, §4.2.1; RFC 5758 §3.2; RFC 4055 §5). */
export const OID = {
  commonName: "2.5.4.3",
  organizationName: "2.5.4.10",
  subjectKeyIdentifier: "2.5.29.14",
  keyUsage: "2.5.29.15",
  subjectAltName: "2.5.29.17",
  basicConstraints: "2.5.29.19",
  authorityKeyIdentifier: "2.5.29.35",
  extKeyUsage: "2.5.29.37",
  serverAuth: "1.3.6.1.5.5.7.3.1",
  ecdsaWithSha256: "1.2.840.10045.4.3.2",
  sha256WithRsa: "1.2.840.113549.1.1.11",
} as const;

/** A name attribute: its OID and its value, encoded as UTF8String. */
export type NameAttribute = readonly [oid: string, value: string];

/** The KeyUsage bits this module sets (RFC 5280 §4.2.1.3). */
export type KeyUsageBit = "digitalSignature" | "keyEncipherment" | "keyCertSign" | "cRLSign";

/** A certificate extension, as data; {@linkcode buildCertificate} encodes it. */
export type Extension =
  | { readonly kind: "basicConstraints"; readonly ca: boolean; readonly pathLen?: number }
  | { readonly kind: "keyUsage"; readonly bits: readonly KeyUsageBit[] }
  | { readonly kind: "extKeyUsage"; readonly oids: readonly string[] }
  | { readonly kind: "subjectAltName"; readonly dns?: string; readonly ip?: Uint8Array }
  | { readonly kind: "subjectKeyId"; readonly keyId: Uint8Array }
  | { readonly kind: "authorityKeyId"; readonly keyId: Uint8Array }
  /** An extension whose value is already DER (the CA's name constraints). */
  | {
    readonly kind: "der";
    readonly oid: string;
    readonly critical: boolean;
    readonly value: Uint8Array;
  };

/** Everything a certificate says, in the order of the TBSCertificate. */
export interface CertificateFields {
  /** A positive INTEGER of at most 20 bytes (§4.1.2.2). */
  readonly serial: Uint8Array;
  /** The issuer Name as DER, or "subject" for a self-issued certificate. */
  readonly issuer: Uint8Array | "subject";
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly subject: readonly NameAttribute[];
  /** The certified key (public or private; only its public half is used). */
  readonly subjectKey: KeyObject;
  readonly extensions: readonly Extension[];
}

/** The facts about a key that certificates need. */
export interface KeyInfo {
  readonly type: "ec" | "rsa";
  /** SubjectPublicKeyInfo, DER. */
  readonly spki: Uint8Array;
  /** SHA-1 of the subjectPublicKey bits (RFC 5280 §4.2.1.2, method 1). */
  readonly keyId: Uint8Array;
}

let loading: Promise<Forge> | undefined;

/** Loads node-forge on first use, so commands that mint nothing never pay for it. */
export function loadForge(): Promise<Forge> {
  loading ??= import("node-forge").then((module) => module.default as Forge);
  return loading;
}

const binary = (bytes: Uint8Array): string =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
const bytesOf = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, "latin1"));

const keyInfos = new WeakMap<KeyObject, KeyInfo>();

/** Describes a P-256 or RSA key; throws for any other kind. */
export function describeKey(key: KeyObject): KeyInfo {
  const known = keyInfos.get(key);
  if (known) return known;
  const type = key.asymmetricKeyType;
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (!(type === "rsa" || (type === "ec" && curve === "prime256v1"))) {
    throw new AuthsomeError("invalid", `Unsupported key type "${curve ?? type}"`, {
      hint: "authsome certificates use ECDSA P-256 or RSA keys",
    });
  }
  const publicKey = key.type === "private" ? createPublicKey(key) : key;
  const spki = new Uint8Array(publicKey.export({ type: "spki", format: "der" }));
  // SubjectPublicKeyInfo ::= SEQUENCE { algorithm, subjectPublicKey BIT STRING }: the BIT
  // STRING is its last element; hash its bits without the unused-bits octet.
  const bits = lastTlvContent(spki).subarray(1);
  const keyId = new Uint8Array(createHash("sha1").update(bits).digest());
  const info: KeyInfo = { type, spki, keyId };
  keyInfos.set(key, info);
  return info;
}

/** A random positive 16-byte serial with its top byte in 0x40..0x7f (§4.1.2.2, minimal DER). */
export function randomSerial(): Uint8Array {
  const serial = new Uint8Array(randomBytes(16));
  serial[0] = (serial[0] & 0x3f) | 0x40;
  return serial;
}

/** Builds the TBSCertificate, signs it with `signer` and returns the certificate DER. */
export async function buildCertificate(
  fields: CertificateFields,
  signer: KeyObject,
): Promise<Uint8Array> {
  const forge = await loadForge();
  const { asn1 } = forge;
  const { UNIVERSAL, CONTEXT_SPECIFIC } = asn1.Class;
  const T = asn1.Type;
  const seq = (items: Asn1[]) => asn1.create(UNIVERSAL, T.SEQUENCE, true, items);
  const parse = (der: Uint8Array) => asn1.fromDer(binary(der));
  const algorithm = signatureAlgorithm(forge, describeKey(signer).type);
  const subject = nameAsn1(forge, fields.subject);
  const tbs = seq([
    asn1.create(CONTEXT_SPECIFIC, 0, true, [asn1.create(UNIVERSAL, T.INTEGER, false, "\x02")]),
    asn1.create(UNIVERSAL, T.INTEGER, false, binary(fields.serial)),
    algorithm,
    fields.issuer === "subject" ? subject : parse(fields.issuer),
    seq([timeAsn1(forge, fields.notBefore), timeAsn1(forge, fields.notAfter)]),
    subject,
    parse(describeKey(fields.subjectKey).spki),
    asn1.create(CONTEXT_SPECIFIC, 3, true, [
      seq(fields.extensions.map((extension) => extensionAsn1(forge, extension))),
    ]),
  ]);
  const tbsDer = asn1.toDer(tbs).getBytes();
  const signature = sign("sha256", bytesOf(tbsDer), signer).toString("latin1");
  const certificate = seq([
    tbs,
    algorithm,
    asn1.create(UNIVERSAL, T.BITSTRING, false, "\x00" + signature),
  ]);
  return bytesOf(asn1.toDer(certificate).getBytes());
}

/**
 * The parts of a certificate that issuing needs: its subject Name (DER) and key
 * identifier. Read with a few lines of DER walking rather than node-forge, so
 * loading the CA (every `authsome run`) does not load forge.
 */
export function certificateParts(
  der: Uint8Array,
): { subject: Uint8Array; subjectKeyId?: Uint8Array } {
  const tbs = childrenOf(der, childrenOf(der, readTlv(der, 0))[0]);
  // The version [0] comes first in a v3 certificate; then serial, signature, issuer,
  // validity, subject; the extensions are [3] (§4.1).
  const offset = tbs[0].tag === 0xa0 ? 1 : 0;
  const subjectTlv = tbs[offset + 4];
  if (!subjectTlv) throw new Error("truncated TBSCertificate");
  const subject = der.slice(subjectTlv.start, subjectTlv.end);
  const extensions = tbs.find((field) => field.tag === 0xa3);
  const list = extensions ? childrenOf(der, childrenOf(der, extensions)[0]) : [];
  for (const extension of list) {
    const parts = childrenOf(der, extension);
    if (!equalBytes(contentOf(der, parts[0]), SKI_OID)) continue;
    // extnValue is an OCTET STRING holding the KeyIdentifier OCTET STRING (§4.2.1.2).
    const value = contentOf(der, parts[parts.length - 1]);
    return { subject, subjectKeyId: contentOf(value, readTlv(value, 0)).slice() };
  }
  return { subject };
}

/** PEM text for DER bytes (RFC 7468), lines of 64 characters. */
export function derToPem(der: Uint8Array, label = "CERTIFICATE"): string {
  const base64 = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString("base64");
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

/** DER bytes of the first PEM block with `label`; throws when there is none. */
export function pemToDer(pem: string, label = "CERTIFICATE"): Uint8Array {
  const match = new RegExp(`-----BEGIN ${label}-----([^-]+)-----END ${label}-----`).exec(pem);
  if (!match) throw new AuthsomeError("invalid", `No ${label} block in the PEM text`);
  return new Uint8Array(Buffer.from(match[1].replace(/\s+/g, ""), "base64"));
}

/** id-ce-subjectKeyIdentifier, 2.5.29.14, as DER OID content octets. */
const SKI_OID = new Uint8Array([0x55, 0x1d, 0x0e]);

/** The content of the last child of the constructed TLV `der` starts with. */
function lastTlvContent(der: Uint8Array): Uint8Array {
  const children = childrenOf(der, readTlv(der, 0));
  return contentOf(der, children[children.length - 1]);
}

function signatureAlgorithm(forge: Forge, type: KeyInfo["type"]): Asn1 {
  const { asn1 } = forge;
  const oid = (id: string) =>
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(id).getBytes());
  // ECDSA: parameters absent (RFC 5758 §3.2); RSA: parameters NULL (RFC 4055 §5).
  const items = type === "ec"
    ? [oid(OID.ecdsaWithSha256)]
    : [oid(OID.sha256WithRsa), asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, "")];
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, items);
}

function nameAsn1(forge: Forge, attributes: readonly NameAttribute[]): Asn1 {
  const { asn1, util } = forge;
  const U = asn1.Class.UNIVERSAL;
  return asn1.create(
    U,
    asn1.Type.SEQUENCE,
    true,
    attributes.map(([oid, value]) =>
      asn1.create(U, asn1.Type.SET, true, [
        asn1.create(U, asn1.Type.SEQUENCE, true, [
          asn1.create(U, asn1.Type.OID, false, asn1.oidToDer(oid).getBytes()),
          asn1.create(U, asn1.Type.UTF8, false, util.encodeUtf8(value)),
        ]),
      ])
    ),
  );
}

function timeAsn1(forge: Forge, date: Date): Asn1 {
  // UTCTime through 2049, GeneralizedTime from 2050 (§4.1.2.5).
  const { asn1 } = forge;
  return date.getUTCFullYear() < 2050
    ? asn1.create(asn1.Class.UNIVERSAL, asn1.Type.UTCTIME, false, asn1.dateToUtcTime(date))
    : asn1.create(
      asn1.Class.UNIVERSAL,
      asn1.Type.GENERALIZEDTIME,
      false,
      asn1.dateToGeneralizedTime(date),
    );
}

const KEY_USAGE_BIT: Record<KeyUsageBit, number> = {
  digitalSignature: 0,
  keyEncipherment: 2,
  keyCertSign: 5,
  cRLSign: 6,
};

function extensionAsn1(forge: Forge, extension: Extension): Asn1 {
  const { asn1 } = forge;
  const U = asn1.Class.UNIVERSAL;
  const T = asn1.Type;
  const C = asn1.Class.CONTEXT_SPECIFIC;
  const seq = (items: Asn1[]) => asn1.create(U, T.SEQUENCE, true, items);
  const oid = (id: string) => asn1.create(U, T.OID, false, asn1.oidToDer(id).getBytes());
  const wrap = (id: string, critical: boolean, value: Asn1) =>
    seq([
      oid(id),
      ...(critical ? [asn1.create(U, T.BOOLEAN, false, "\xff")] : []),
      asn1.create(U, T.OCTETSTRING, false, asn1.toDer(value).getBytes()),
    ]);
  switch (extension.kind) {
    case "basicConstraints": {
      const items = extension.ca ? [asn1.create(U, T.BOOLEAN, false, "\xff")] : [];
      if (extension.pathLen !== undefined) {
        items.push(
          asn1.create(U, T.INTEGER, false, asn1.integerToDer(extension.pathLen).getBytes()),
        );
      }
      return wrap(OID.basicConstraints, true, seq(items));
    }
    case "keyUsage": {
      // A named bit list drops its trailing zero bits in DER (X.690 §11.2.2).
      const byte = extension.bits.reduce((b, bit) => b | (0x80 >> KEY_USAGE_BIT[bit]), 0);
      let unused = 0;
      while (unused < 7 && !(byte & (1 << unused))) unused++;
      const bitString = String.fromCharCode(unused, byte);
      return wrap(OID.keyUsage, true, asn1.create(U, T.BITSTRING, false, bitString));
    }
    case "extKeyUsage":
      return wrap(OID.extKeyUsage, false, seq(extension.oids.map(oid)));
    case "subjectAltName": {
      // GeneralName dNSName [2] IA5String, iPAddress [7] OCTET STRING (§4.2.1.6).
      const names = [];
      if (extension.dns) names.push(asn1.create(C, 2, false, extension.dns));
      if (extension.ip) names.push(asn1.create(C, 7, false, binary(extension.ip)));
      return wrap(OID.subjectAltName, false, seq(names));
    }
    case "subjectKeyId":
      return wrap(
        OID.subjectKeyIdentifier,
        false,
        asn1.create(U, T.OCTETSTRING, false, binary(extension.keyId)),
      );
    case "authorityKeyId":
      return wrap(
        OID.authorityKeyIdentifier,
        false,
        seq([asn1.create(C, 0, false, binary(extension.keyId))]),
      );
    case "der":
      return wrap(extension.oid, extension.critical, asn1.fromDer(binary(extension.value)));
    default: {
      const never: never = extension;
      throw new Error(`Unknown extension ${JSON.stringify(never)}`);
    }
  }
}
