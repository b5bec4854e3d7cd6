/**
 * Which Node.js versions honour `NODE_USE_ENV_PROXY`, per API: `fetch`
 * (undici) since Node 24.0, and `http`/`https.request` since 24.5; both were
 * backported to 22.21. The table decides inside the run's Node preload, as
 * a generated expression.
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

/** A JavaScript expression over the variables `major` and `minor`: true when Node `major.minor` honours `NODE_USE_ENV_PROXY` for `api`. */
export function supportsEnvProxyJs(api: NodeApi): string {
  const { current, backports } = SUPPORT[api];
  return [
    `major > ${current[0]}`,
    `(major === ${current[0]} && minor >= ${current[1]})`,
    ...backports.map(([m, n]) => `(major === ${m} && minor >= ${n})`),
  ].join(" || ");
}
