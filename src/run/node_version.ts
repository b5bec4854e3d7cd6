/**
 * Whether a Node.js honours `NODE_USE_ENV_PROXY` (fetch through the proxy
 * variables: Node 24, and 22.21 onwards). An older Node's fetch silently
 * ignores the proxy, so `run` warns instead of letting requests bypass it.
 */

/** True when `argv0` names a Node.js binary. */
export function isNodeCommand(argv0: string): boolean {
  const base = argv0.split(/[\\/]/).pop() ?? "";
  return /^node(js)?(\.exe)?$/i.test(base);
}

/** True when the version text (`v22.21.0`) honours `NODE_USE_ENV_PROXY`; undefined when unreadable. */
export function honoursEnvProxy(version: string): boolean | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(version.trim());
  if (!m) return undefined;
  const [major, minor] = [Number(m[1]), Number(m[2])];
  return major >= 24 || (major === 22 && minor >= 21);
}
