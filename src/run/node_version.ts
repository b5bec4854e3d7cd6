/**
 * Which Node.js versions honour `NODE_USE_ENV_PROXY`, per API: `fetch`
 * (undici) since Node 24.0, and `http`/`https.request` since 24.5; both were
 * backported to 22.21. The same table decides in TypeScript (doctor, tests)
 * and, as a generated expression, inside the run's Node preload.
 */

/** An API of Node that may or may not read the proxy variables. */
export type NodeApi = "fetch" | "https";

/** `[major, minor]`: the first release of a line with support. */
type Since = readonly [number, number];

/** From `current` on every later major has support; `backports` are older lines that got it. */
const SUPPORT: Readonly<Record<NodeApi, { current: Since; backports: readonly Since[] }>> = {
  fetch: { current: [24, 0], backports: [[22, 21]] },
  https: { current: [24, 5], backports: [[22, 21]] },
};

/** True when Node `major.minor` honours `NODE_USE_ENV_PROXY` for `api`. */
export function supportsEnvProxy(api: NodeApi, major: number, minor: number): boolean {
  const { current, backports } = SUPPORT[api];
  return major > current[0] || (major === current[0] && minor >= current[1]) ||
    backports.some(([m, n]) => major === m && minor >= n);
}

/** True when the version text (`v22.21.0`) honours it for `api`; undefined when unreadable. */
export function honoursEnvProxy(version: string, api: NodeApi = "fetch"): boolean | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(version.trim());
  if (!m) return undefined;
  return supportsEnvProxy(api, Number(m[1]), Number(m[2]));
}

/** A JavaScript expression over the variables `major` and `minor` equal to {@linkcode supportsEnvProxy}. */
export function supportsEnvProxyJs(api: NodeApi): string {
  const { current, backports } = SUPPORT[api];
  return [
    `major > ${current[0]}`,
    `(major === ${current[0]} && minor >= ${current[1]})`,
    ...backports.map(([m, n]) => `(major === ${m} && minor >= ${n})`),
  ].join(" || ");
}
