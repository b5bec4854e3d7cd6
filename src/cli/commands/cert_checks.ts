/** The CA's checks in `authsome doctor`: it exists, its key is the user's alone, its name constraints cover the providers, and which stores trust it. */

import { isAuthsomeError } from "../../errors.ts";
import { type Ca, describeUncovered } from "../../tls/mod.ts";
import { trustStatus } from "../../tls/trust/mod.ts";
import type { Context } from "../command.ts";
import { findProvidersCa, thisMachine } from "./cert_shared.ts";
import { DAY_MS } from "../../durations.ts";

/** One line of doctor's report; `warn` marks a problem that does not fail the run. */
export interface Check {
  readonly name: string;
  readonly ok: boolean;
  readonly warn?: boolean;
  readonly detail: string;
  readonly hint?: string;
}

async function keyCheck(ca: Ca): Promise<Check> {
  const name = "CA key";
  const info = await Deno.stat(ca.paths.key);
  const mode = (info.mode ?? 0) & 0o777;
  const octal = mode.toString(8).padStart(3, "0");
  const uid = Deno.build.os === "windows" ? null : Deno.uid();
  if (uid !== null && info.uid !== null && info.uid !== uid) {
    return {
      name,
      ok: false,
      detail: `${ca.paths.key} belongs to uid ${info.uid}, not to you (uid ${uid})`,
      hint: `Run: sudo chown ${uid} "${ca.paths.key}"`,
    };
  }
  if (Deno.build.os !== "windows" && (mode & 0o077) !== 0) {
    return {
      name,
      ok: false,
      detail: `${ca.paths.key} is readable by others (mode ${octal})`,
      hint: `Run: chmod 600 "${ca.paths.key}"`,
    };
  }
  return { name, ok: true, detail: `${ca.paths.key} readable only by you (mode ${octal})` };
}

/** Doctor's CA checks. */
export async function caChecks(ctx: Context): Promise<Check[]> {
  let checked;
  try {
    checked = await findProvidersCa(ctx);
  } catch (error) {
    if (!isAuthsomeError(error)) throw error;
    return [{ name: "CA", ok: false, detail: error.message, hint: error.hint }];
  }
  if (!checked) {
    return [{
      name: "CA",
      ok: true,
      warn: true,
      detail: `none yet in ${ctx.paths.ca} (authsome run makes it)`,
      hint: "Run: authsome cert install",
    }];
  }
  const { ca, uncovered } = checked;
  const expires = Date.parse(ca.cert.validTo);
  const soon = expires - Date.now() < 30 * DAY_MS;
  const checks: Check[] = [{
    name: "CA",
    ok: expires > Date.now(),
    warn: soon,
    detail: `${ca.paths.cert} (SHA-256 ${ca.cert.fingerprint256.slice(0, 23)}…, valid until ${
      new Date(expires).toISOString().slice(0, 10)
    })`,
    hint: soon ? "Run: authsome cert rotate" : undefined,
  }, await keyCheck(ca)];
  if (!ca.permitted) {
    checks.push({
      name: "CA name constraints",
      ok: true,
      warn: true,
      detail: "none: the CA was made before name constraints and may certify any site",
      hint: "Run: authsome cert rotate",
    });
  } else if (uncovered.length > 0) {
    checks.push({
      name: "CA name constraints",
      ok: true,
      warn: true,
      detail: `leave out ${describeUncovered(uncovered).join(", ")}`,
      hint: "authsome run certifies them with a second CA for your own domains; for browsers and " +
        "OS trust stores run: authsome cert install (or authsome cert rotate, for one CA)",
    });
  } else {
    checks.push({
      name: "CA name constraints",
      ok: true,
      detail: `${ca.permitted.dns.length} domain(s), every provider covered`,
    });
  }
  const machine = thisMachine(ctx);
  const statuses = await trustStatus(ca, machine.stores, machine.exec);
  const trusted = statuses.filter((s) => s.trusted).map((s) => s.store.label);
  const not = statuses.filter((s) => !s.trusted).map((s) => s.store.label);
  checks.push({
    name: "CA trust",
    ok: true,
    warn: trusted.length === 0,
    detail: [
      trusted.length ? `trusted by ${trusted.join("; ")}` : "trusted by no store on this machine",
      not.length && trusted.length ? `not by ${not.join("; ")}` : "",
    ].filter(Boolean).join(", "),
    hint: not.length
      ? "Children of authsome run trust it through their environment; for anything else run: authsome cert install"
      : undefined,
  });
  return checks;
}
