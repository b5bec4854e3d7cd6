/** How hard the hardening tests push: the CI size, or `deno task stress` (AUTHSOME_STRESS=1) size. */

const stress = Deno.env.get("AUTHSOME_STRESS") === "1";

/** `ci` normally, `full` under `deno task stress`. */
export function scale(ci: number, full: number): number {
  return stress ? full : ci;
}
