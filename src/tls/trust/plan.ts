/**
 * The vocabulary of trust stores: a store says how to tell whether it trusts
 * a CA (a probe) and which commands add or remove it (steps, each marked when
 * it needs root or an administrator). Nothing here runs anything: one
 * executor runs plans, and `--dry-run` prints them, which is how the macOS
 * and Windows plans are tested on Linux.
 */

import { Buffer } from "node:buffer";
import { createHash, type X509Certificate } from "node:crypto";

/** One command of a plan. */
export interface Step {
  readonly argv: readonly string[];
  /** Needs root (run with sudo) or, on Windows, an administrator. */
  readonly sudo: boolean;
  /** Output of a failure that means there was nothing to do (an alias already gone). */
  readonly nothingToDo?: string;
}

/** A read-only check: a file that exists (and holds some text), or a command that succeeds (and prints some text). */
export type Probe =
  | { readonly kind: "file"; readonly path: string; readonly includes?: string }
  | {
    readonly kind: "command";
    readonly argv: readonly string[];
    readonly stdoutIncludes?: string;
  };

/** What the stores need to know about one CA. */
export interface CaRef {
  /** A PEM file of the certificate that stays put while the plan runs. */
  readonly certPath: string;
  /** The name the CA goes by in stores: `authsome-` and 16 hex digits of its SHA-256. */
  readonly name: string;
  /** SHA-1 of the DER, upper-case hex without separators (macOS, Windows). */
  readonly sha1: string;
  /** SHA-256 of the DER, upper-case hex without separators. */
  readonly sha256: string;
  /** The base64 lines between the PEM armour, as bundles built from it hold them. */
  readonly pemBody: string;
}

/** Who a store belongs to: the machine (needs privileges, usually) or the user. */
export type Scope = "system" | "user";

/** How a platform elevates: sudo on Unix, an administrator's terminal on Windows. */
export type Elevation = "sudo" | "administrator";

/** The kinds of store, for `--store`. */
export const STORE_KINDS = [
  "system",
  "nss",
  "java",
  "keychain-login",
  "keychain-system",
  "windows-user",
  "windows-machine",
] as const;

/** One of {@linkcode STORE_KINDS}. */
export type StoreKind = typeof STORE_KINDS[number];

/** A trust store found on a machine (or assumed, for another platform's dry run). */
export interface TrustStore {
  readonly kind: StoreKind;
  /** Unique on the machine: the kind, and the location for kinds that come many. */
  readonly id: string;
  /** What a person calls it. */
  readonly label: string;
  readonly scope: Scope;
  readonly elevation: Elevation;
  /** Succeeds when the store trusts `ca`. */
  trusted(ca: CaRef): Probe;
  /**
   * Succeeds when the store holds what `install` put there (a file, an alias),
   * which `uninstall` removes; without it, uninstall runs whenever `ca` is trusted.
   */
  removable?(ca: CaRef): Probe;
  install(ca: CaRef): Step[];
  uninstall(ca: CaRef): Step[];
}

/** What to do to one store; `skip` says why there is nothing to do. */
export interface StorePlan {
  readonly store: TrustStore;
  readonly steps: readonly Step[];
  readonly skip?: "already trusted" | "not installed";
}

/** The facts {@linkcode planFor} needs about a store; undefined when not probed (another platform). */
export interface StoreState {
  readonly trusted: boolean;
  /** The result of {@linkcode TrustStore.removable}, or `trusted` for a store without it. */
  readonly removable: boolean;
}

/** What `install` or `uninstall` does to `store` in `state` (pure). */
export function planFor(
  action: "install" | "uninstall",
  store: TrustStore,
  ca: CaRef,
  state?: StoreState,
): StorePlan {
  if (action === "install") {
    return state?.trusted
      ? { store, steps: [], skip: "already trusted" }
      : { store, steps: store.install(ca) };
  }
  return state && !state.removable
    ? { store, steps: [], skip: "not installed" }
    : { store, steps: store.uninstall(ca) };
}

const hex = (algorithm: string, der: Uint8Array) =>
  createHash(algorithm).update(der).digest("hex").toUpperCase();

/** The {@linkcode CaRef} of a certificate whose PEM is in `certPath`. */
export function caRef(cert: Pick<X509Certificate, "raw">, certPath: string): CaRef {
  const der = new Uint8Array(cert.raw);
  const sha256 = hex("sha256", der);
  const base64 = Buffer.from(der).toString("base64");
  return {
    certPath,
    name: `authsome-${sha256.slice(0, 16).toLowerCase()}`,
    sha1: hex("sha1", der),
    sha256,
    pemBody: (base64.match(/.{1,64}/g) ?? []).join("\n"),
  };
}

/** `AB:CD:...`, as keytool prints fingerprints. */
export function colonHex(hexDigits: string): string {
  return (hexDigits.match(/.{2}/g) ?? []).join(":");
}

const SAFE_POSIX = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** One argument quoted for a POSIX shell, or for cmd/PowerShell on Windows. */
export function quoteArg(arg: string, elevation: Elevation): string {
  if (elevation === "administrator") return /[\s"]/.test(arg) || arg === "" ? `"${arg}"` : arg;
  return SAFE_POSIX.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}

/** A step as a person would type it: with `sudo` when it needs root and `elevated` is false. */
export function renderStep(step: Step, elevation: Elevation, elevated: boolean): string {
  const words = step.argv.map((arg) => quoteArg(arg, elevation));
  return step.sudo && !elevated && elevation === "sudo"
    ? `sudo ${words.join(" ")}`
    : words.join(" ");
}
