/**
 * The child's environment, computed as a list of changes before it is
 * applied: proxy variables with the per-run token, CA variables, Python's
 * certifi redirect, provider placeholders, and the removal of every secret.
 * Pure.
 */

import { AIOHTTP_TRUST_ENV_HOOK } from "./aiohttp_hook.ts";
import { nodeOptions } from "./node_preload.ts";
import { KEY_ENV_VARS } from "../vault/key_env.ts";

/** One change to the parent's environment. */
export type EnvChange =
  | { readonly kind: "set"; readonly name: string; readonly value: string; readonly why: string }
  | { readonly kind: "unset"; readonly name: string; readonly why: string };

/** The value every placeholder variable gets. */
export const PLACEHOLDER = "authsome-proxy-managed";

/** Variables that add the CA to a client's default roots: they point at the CA alone. */
export const ADDITIVE_CA_VARS = ["NODE_EXTRA_CA_CERTS", "DENO_CERT"] as const;
/** Variables that replace a client's roots: they point at system roots plus the CA. */
export const REPLACING_CA_VARS = [
  "SSL_CERT_FILE",
  "REQUESTS_CA_BUNDLE",
  "CURL_CA_BUNDLE",
  "GIT_SSL_CAINFO",
  "AWS_CA_BUNDLE",
  "PIP_CERT",
  "CARGO_HTTP_CAINFO",
] as const;

/** What the child's environment is built from. */
export interface ChildEnvInput {
  readonly parent: Readonly<Record<string, string | undefined>>;
  /** `http://authsome:TOKEN@127.0.0.1:PORT`. */
  readonly proxyUrl: string;
  readonly caPath: string;
  readonly bundlePath: string;
  /** A folder holding the run's sitecustomize.py, put first on PYTHONPATH. */
  readonly pythonDir?: string;
  /** The run's Node preload (node_preload.ts), added to NODE_OPTIONS. */
  readonly nodePreload?: string;
  /** The run's wgetrc (wgetrc.ts): the user's settings plus the CA bundle. */
  readonly wgetrc?: string;
  /** Placeholder variable names of every provider with a connection. */
  readonly placeholders: readonly string[];
  /** Every stored secret value; a parent variable holding one is replaced. */
  readonly secrets: readonly string[];
  /** The child runs in a sandbox: the D-Bus session bus (the keyring's way in) is not named to it. */
  readonly sandboxed?: boolean;
}

const LOOPBACK = ["localhost", "127.0.0.1", "::1"];

function noProxy(parent: ChildEnvInput["parent"]): string {
  const entries = [parent.NO_PROXY, parent.no_proxy].flatMap((v) => (v ?? "").split(",")).map((e) =>
    e.trim()
  );
  const merged = [...new Set([...entries.filter(Boolean), ...LOOPBACK])];
  return merged.join(",");
}

/** The changes that turn the parent's environment into the child's. */
export function childEnvChanges(input: ChildEnvInput): EnvChange[] {
  const changes: EnvChange[] = [];
  const set = (name: string, value: string, why: string) =>
    changes.push({ kind: "set", name, value, why });
  for (const name of ["HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"]) {
    set(name, input.proxyUrl, "proxy");
  }
  const exempt = noProxy(input.parent);
  set("NO_PROXY", exempt, "proxy");
  set("no_proxy", exempt, "proxy");
  set("NODE_USE_ENV_PROXY", "1", "Node's fetch honours the proxy variables");
  for (const name of ADDITIVE_CA_VARS) set(name, input.caPath, "CA");
  for (const name of REPLACING_CA_VARS) set(name, input.bundlePath, "CA bundle");
  if (input.pythonDir) {
    const rest = input.parent.PYTHONPATH;
    set(
      "PYTHONPATH",
      rest ? `${input.pythonDir}:${rest}` : input.pythonDir,
      "certifi uses the CA bundle",
    );
  }
  if (input.nodePreload) {
    set(
      "NODE_OPTIONS",
      nodeOptions(input.parent.NODE_OPTIONS, input.nodePreload),
      "every Node process is routed or warns",
    );
  }
  if (input.wgetrc) set("WGETRC", input.wgetrc, "wget trusts the CA bundle");
  const secrets = new Set(input.secrets.filter((s) => s.length > 0));
  const touched = new Set(changes.map((c) => c.name));
  for (const name of input.placeholders) {
    if (!touched.has(name)) set(name, PLACEHOLDER, "placeholder");
    touched.add(name);
  }
  for (const [name, value] of Object.entries(input.parent)) {
    if (touched.has(name) || value === undefined) continue;
    if (KEY_ENV_VARS.includes(name)) {
      changes.push({ kind: "unset", name, why: "vault key" });
    } else if (input.sandboxed && name === "DBUS_SESSION_BUS_ADDRESS") {
      changes.push({ kind: "unset", name, why: "the keyring, out of the sandbox's reach" });
    } else if (secrets.has(value)) {
      set(name, PLACEHOLDER, "held a stored secret");
    }
  }
  return changes;
}

/** Applies changes to a copy of `parent`. */
export function applyEnvChanges(
  parent: Readonly<Record<string, string | undefined>>,
  changes: readonly EnvChange[],
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(parent)) if (value !== undefined) env[name] = value;
  for (const change of changes) {
    if (change.kind === "set") env[change.name] = change.value;
    else delete env[change.name];
  }
  return env;
}

/**
 * The Python `sitecustomize` that points certifi at `bundlePath`, makes aiohttp's sessions honour
 * the proxy variables, then runs the user's own sitecustomize.
 */
export function sitecustomizeSource(bundlePath: string): string {
  return `# Written by authsome run: certifi-based clients (httpx, SDKs) trust the run's CA bundle, aiohttp uses the proxy.
import os as _os, sys as _sys
_BUNDLE = ${JSON.stringify(bundlePath)}
try:
    import certifi as _certifi, certifi.core as _certifi_core
    _certifi.where = _certifi_core.where = lambda: _BUNDLE
except Exception:
    pass
${AIOHTTP_TRUST_ENV_HOOK.trim()}
def _chain():
    import importlib.machinery, importlib.util
    here = _os.path.dirname(_os.path.abspath(__file__))
    path = [p for p in _sys.path if _os.path.abspath(p or ".") != here]
    spec = importlib.machinery.PathFinder.find_spec("sitecustomize", path)
    if spec is None or spec.loader is None:
        return
    module = importlib.util.module_from_spec(spec)
    _sys.modules["sitecustomize"] = module
    spec.loader.exec_module(module)
_chain()
`;
}
