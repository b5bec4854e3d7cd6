// deno-lint-ignore-file no-console
/**
 * `deno task bench`: the proxy measured side by side with the limit (direct
 * to the origin) and with mitmproxy (mitmdump with an addon that sets the
 * same header), driven by one load generator (scripts/bench/load.ts).
 * The origin and the generator are pinned to CPU 0 and each proxy to CPU 1.
 * Prints a table of ratios and writes the Proxy section of docs/BENCHMARKS.md.
 *
 * Each column runs --repeat times (3; 1 with --quick) and every figure is the
 * median of its runs: on a shared machine one slow run of the origin or the
 * generator would otherwise show up as the proxy's cost.
 *
 * Flags: --quick (a fraction of a second per figure: proves the script works,
 * says nothing about speed), --seconds N, --repeat N, --no-write, --floor (also measure
 * scripts/bench/floor_proxy.ts: the same TLS primitives relaying bytes with
 * no HTTP work, what any proxy built on them costs at least).
 */

import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { cpus, totalmem } from "node:os";
import { checkoutRunArgs } from "./compile.ts";
import { writeCaBundle } from "../src/tls/ca_bundle.ts";
import { medianResults } from "./bench/median.ts";

const root = fileURLToPath(new URL("../", import.meta.url));
const { values: flags } = parseArgs({
  args: Deno.args,
  options: {
    quick: { type: "boolean" },
    seconds: { type: "string" },
    repeat: { type: "string" },
    "no-write": { type: "boolean" },
    floor: { type: "boolean" },
  },
});
const seconds = flags.quick ? 0.3 : Number(flags.seconds ?? 3);
const repeat = flags.quick ? 1 : Number(flags.repeat ?? 3);
const concurrency = [1, 8, 64];
const deno = Deno.execPath();
const pin = (cpu: number, argv: string[]) => ["taskset", "-c", String(cpu), ...argv];

type Results = {
  keepalive: Record<
    string,
    {
      rps: number;
      p50: number;
      p99: number;
      errors: number;
      hwm?: number;
      cpu_us_per_request?: number;
    }
  >;
  /** The proxy's RSS before the first connection, in bytes. */
  rss_start?: number;
  new_connection_ms: number;
  first_response_ms: number;
  new_connections_per_s: number;
  minting_ms?: { cached: number; fresh: number };
  transfer: { download_mbps: number; upload_mbps: number; rss_before?: number; rss_after?: number };
  sse_lag_ms: { p50: number; max: number };
};

async function output(
  argv: string[],
  env: Record<string, string> = {},
  stdin?: string,
): Promise<string> {
  const child = new Deno.Command(argv[0], {
    args: argv.slice(1),
    env: { DENO_NO_UPDATE_CHECK: "1", ...env },
    stdin: stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (stdin !== undefined) {
    const w = child.stdin.getWriter();
    await w.write(new TextEncoder().encode(stdin));
    await w.close();
  }
  const out = await child.output();
  const text = new TextDecoder().decode(out.stdout);
  if (!out.success) {
    throw new Error(`${argv.join(" ")} failed: ${new TextDecoder().decode(out.stderr)}`);
  }
  return text;
}

async function firstLine(child: Deno.ChildProcess): Promise<string> {
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("the process exited before it was ready");
    text += value;
  }
  reader.releaseLock();
  return text.slice(0, text.indexOf("\n"));
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

async function waitForFile(path: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await Deno.stat(path).then(() => true, () => false)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${path} did not appear`);
}

async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      (await Deno.connect({ hostname: "127.0.0.1", port })).close();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`nothing listens on ${port}`);
}

/** A bundle of the system roots plus `caPath`, as `authsome run` gives its child, so every column's client parses the same number of roots. */
async function bundleWith(caPath: string, name: string): Promise<string> {
  const path = `${tmp}/${name}-bundle.pem`;
  await writeCaBundle(path, await Deno.readTextFile(caPath));
  return path;
}

const load = `${root}scripts/bench/load.ts`;
const tmp = await Deno.makeTempDir({ prefix: "authsome-bench-" });
const origin = new Deno.Command(deno, {
  args: ["run", "-A", `${root}scripts/bench/origin.ts`, `${tmp}/origin`],
  stdout: "piped",
  stderr: "inherit",
}).spawn();
try {
  await Deno.mkdir(`${tmp}/origin`);
  const { port, ca } = JSON.parse(await firstLine(origin));
  const base = { port, seconds, concurrency };
  const home = `${tmp}/home`;
  const env = { AUTHSOME_HOME: home, AUTHSOME_KEYRING: "none", NO_COLOR: "1" };
  await Deno.mkdir(`${home}/providers`, { recursive: true });
  await Deno.writeTextFile(
    `${home}/providers/bench.json`,
    JSON.stringify({
      name: "bench",
      display_name: "Bench",
      auth_type: "api_key",
      api_url: [`127.0.0.1:${port}`, "regex:^[a-z0-9-]+\\.bench\\.test$"],
      injection: { type: "header", name: "Authorization", prefix: "Bearer " },
      docs_url: "https://example.com",
    }),
  );
  const main = `${root}main.ts`;
  await output([deno, "run", "-A", main, "login", "bench", "--key-stdin"], env, "bench-key");
  // The CAs are made once per home, not per run: make them now so the runs measured are ordinary
  // ones. The bench's hosts lie outside the first CA, so a first run also makes the second.
  await output([deno, "run", "-A", main, "cert", "path"], env);
  await output([deno, "run", "-A", main, "run", "--", "true"], env);

  const directArgv = pin(0, [
    deno,
    "run",
    "-A",
    load,
    JSON.stringify({ ...base, via: "direct", ca: await bundleWith(ca, "direct") }),
  ]);
  const authsomeArgv = pin(1, [
    deno,
    ...checkoutRunArgs(root),
    "run",
    "--upstream-ca",
    ca,
    "--",
    ...pin(0, [
      deno,
      "run",
      "-A",
      load,
      JSON.stringify({ ...base, via: "env", ca: "env", proxyPid: "parent", minting: true }),
    ]),
  ]);
  // Rounds interleave the columns, so a slow spell of the machine falls on all of them.
  const runs: { direct: Results[]; authsome: Results[]; mitmproxy: Results[]; floor: Results[] } = {
    direct: [],
    authsome: [],
    mitmproxy: [],
    floor: [],
  };
  for (let round = 1; round <= repeat; round++) {
    console.error(`bench: round ${round} of ${repeat}: direct`);
    runs.direct.push(JSON.parse(await output(directArgv)));
    console.error(`bench: round ${round} of ${repeat}: authsome`);
    runs.authsome.push(JSON.parse(await output(authsomeArgv, env)));
    console.error(`bench: round ${round} of ${repeat}: mitmproxy`);
    runs.mitmproxy.push(await measureMitmproxy(base, ca));
    if (flags.floor) runs.floor.push(await measureFloor(base, ca));
  }
  const direct = medianResults(runs.direct);
  const authsome = medianResults(runs.authsome);
  const mitmproxy = medianResults(runs.mitmproxy);
  const floor = flags.floor ? medianResults(runs.floor) : undefined;
  const report = table(direct, authsome, mitmproxy) + (floor ? `\n${describeFloor(floor)}` : "");
  console.log(report);
  if (!flags["no-write"]) await writeReport(report);
} finally {
  origin.kill("SIGTERM");
  await origin.status;
  await Deno.remove(tmp, { recursive: true });
}

/** Starts mitmdump on CPU 1, runs the load through it, and stops it: each round sees a fresh one. */
async function measureMitmproxy(base: Record<string, unknown>, originCa: string): Promise<Results> {
  const mitmPort = freePort();
  const child = new Deno.Command("taskset", {
    args: [
      "-c",
      "1",
      "mitmdump",
      "-q",
      "--listen-host",
      "127.0.0.1",
      "--listen-port",
      String(mitmPort),
      "--set",
      `confdir=${tmp}/mitm`,
      "--set",
      `ssl_verify_upstream_trusted_ca=${originCa}`,
      "-s",
      `${root}scripts/bench/mitm_addon.py`,
    ],
    stdout: "null",
    stderr: "inherit",
  }).spawn();
  try {
    await waitForPort(mitmPort);
    await waitForFile(`${tmp}/mitm/mitmproxy-ca-cert.pem`);
    return await loadThrough(base, mitmPort, `${tmp}/mitm/mitmproxy-ca-cert.pem`, child.pid);
  } finally {
    child.kill("SIGTERM");
    await child.status;
  }
}

/** Runs the load generator on CPU 0 through the proxy listening on `port`, whose CA is `caFile`. */
async function loadThrough(
  base: Record<string, unknown>,
  port: number,
  caFile: string,
  proxyPid: number,
  extra: Record<string, unknown> = {},
): Promise<Results> {
  const config = {
    ...base,
    via: `http://127.0.0.1:${port}`,
    ca: await bundleWith(caFile, `proxy-${port}`),
    proxyPid,
    ...extra,
  };
  return JSON.parse(await output(pin(0, [deno, "run", "-A", load, JSON.stringify(config)])));
}

/** Runs the relay-only floor proxy on CPU 1 and the same load through it. */
async function measureFloor(base: Record<string, unknown>, originCa: string): Promise<Results> {
  console.error("bench: relay-only floor");
  const proxy = new Deno.Command("taskset", {
    args: [
      "-c",
      "1",
      deno,
      "run",
      "-A",
      `${root}scripts/bench/floor_proxy.ts`,
      `${tmp}/floor`,
      originCa,
    ],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  try {
    const { port, ca } = JSON.parse(await firstLine(proxy));
    return await loadThrough(base, port, ca, proxy.pid, { sendsAuth: true });
  } finally {
    proxy.kill("SIGTERM");
    await proxy.status;
  }
}

function describeFloor(floor: Results): string {
  const k = floor.keepalive[8];
  return `Relay-only floor (same TLS primitives, no HTTP work): ${fmt(k.rps, 0)} req/s and ` +
    `${fmt(k.cpu_us_per_request, 0)} µs proxy CPU per request at 8 connections; ` +
    `1 MiB ${fmt(floor.transfer.download_mbps)} MB/s down, ${
      fmt(floor.transfer.upload_mbps)
    } MB/s up.`;
}

function fmt(n: number | undefined, digits = 1): string {
  return n === undefined || Number.isNaN(n) ? "-" : n.toFixed(digits);
}

function table(direct: Results, authsome: Results, mitm: Results): string {
  const rows: string[][] = [[
    "figure",
    "direct",
    "authsome",
    "mitmproxy",
    "authsome/direct",
    "authsome/mitmproxy",
  ]];
  const row = (
    name: string,
    d: number | undefined,
    a: number | undefined,
    m: number | undefined,
    digits = 1,
  ) =>
    rows.push([
      name,
      fmt(d, digits),
      fmt(a, digits),
      fmt(m, digits),
      fmt(a! / d!, 2),
      fmt(a! / m!, 2),
    ]);
  for (const n of concurrency) {
    const [d, a, m] = [direct, authsome, mitm].map((r) => r.keepalive[n]);
    row(`requests/s, ${n} keep-alive conn`, d.rps, a.rps, m.rps, 0);
    row(`p50 ms, ${n} conn`, d.p50, a.p50, m.p50, 3);
    row(`p99 ms, ${n} conn`, d.p99, a.p99, m.p99, 3);
    row(
      `proxy CPU µs per request, ${n} conn`,
      undefined,
      a.cpu_us_per_request,
      m.cpu_us_per_request,
      0,
    );
  }
  row(
    "new connection (CONNECT+TLS) ms",
    direct.new_connection_ms,
    authsome.new_connection_ms,
    mitm.new_connection_ms,
    2,
  );
  row(
    "first response ms after the handshake, new conn",
    direct.first_response_ms,
    authsome.first_response_ms,
    mitm.first_response_ms,
    2,
  );
  row(
    "new connections/s, 8 clients (one request each)",
    direct.new_connections_per_s,
    authsome.new_connections_per_s,
    mitm.new_connections_per_s,
    0,
  );
  row(
    "1 MiB download MB/s",
    direct.transfer.download_mbps,
    authsome.transfer.download_mbps,
    mitm.transfer.download_mbps,
  );
  row(
    "1 MiB upload MB/s",
    direct.transfer.upload_mbps,
    authsome.transfer.upload_mbps,
    mitm.transfer.upload_mbps,
  );
  row("SSE lag p50 ms", direct.sse_lag_ms.p50, authsome.sse_lag_ms.p50, mitm.sse_lag_ms.p50, 2);
  row("SSE lag max ms", direct.sse_lag_ms.max, authsome.sse_lag_ms.max, mitm.sse_lag_ms.max, 2);
  const mb = (b?: number) => (b === undefined ? undefined : b / 1e6);
  row(
    "proxy RSS MB just after start",
    undefined,
    mb(authsome.rss_start),
    mb(mitm.rss_start),
  );
  row(
    "proxy peak RSS MB (after 64 conn)",
    undefined,
    mb(authsome.keepalive[64].hwm),
    mb(mitm.keepalive[64].hwm),
  );
  row(
    "proxy RSS MB before/after 1 MiB transfers",
    undefined,
    mb(authsome.transfer.rss_after),
    mb(mitm.transfer.rss_after),
  );
  const errors = [direct, authsome, mitm].flatMap((r) =>
    Object.values(r.keepalive).map((k) => k.errors)
  );
  const lines = rows.map((r) => `| ${r.join(" | ")} |`);
  lines.splice(1, 0, `|${" --- |".repeat(rows[0].length)}`);
  const extra = [
    "",
    `Minting: first handshake to a never-seen host ${fmt(authsome.minting_ms?.fresh, 2)} ms, ` +
    `to a cached host ${fmt(authsome.minting_ms?.cached, 2)} ms ` +
    `(+${fmt((authsome.minting_ms?.fresh ?? NaN) - (authsome.minting_ms?.cached ?? NaN), 2)} ms).`,
    `First response on a new connection: authsome adds ${
      fmt(authsome.first_response_ms - direct.first_response_ms, 2)
    } ms to direct, mitmproxy ${fmt(mitm.first_response_ms - direct.first_response_ms, 2)} ms.`,
    `Requests without the injected header at the origin: ${errors.reduce((a, b) => a + b, 0)}.`,
    `RSS before the 1 MiB transfers: ${fmt(mb(authsome.transfer.rss_before))} MB (authsome), ${
      fmt(mb(mitm.transfer.rss_before))
    } MB (mitmproxy).`,
  ];
  return [...lines, ...extra].join("\n");
}

async function writeReport(report: string): Promise<void> {
  const path = `${root}docs/BENCHMARKS.md`;
  const existing = await Deno.readTextFile(path).catch(() => "# Benchmarks\n");
  const section = [
    "## Proxy",
    "",
    `Measured ${new Date().toISOString().slice(0, 10)} on ${cpus().length} × ${
      cpus()[0]?.model ?? "CPU"
    }, ` +
    `${
      Math.round(totalmem() / 2 ** 30)
    } GiB, Deno ${Deno.version.deno}, mitmproxy from Debian (mitmdump), ` +
    `${seconds} s per figure, each the median of ${repeat} rounds that interleave the columns; ` +
    "origin and load generator pinned to CPU 0, the proxy to CPU 1.",
    "",
    "Reproduce: `scripts/deno task bench` (add `--seconds N` for longer runs, `--repeat N` for more rounds).",
    "",
    report,
    "",
  ].join("\n");
  const start = existing.indexOf("## Proxy");
  const next = start === -1 ? -1 : existing.indexOf("\n## ", start + 1);
  const updated = start === -1
    ? `${existing.trimEnd()}\n\n${section}`
    : `${existing.slice(0, start)}${section}${next === -1 ? "" : existing.slice(next + 1)}`;
  await Deno.mkdir(`${root}docs`, { recursive: true });
  await Deno.writeTextFile(path, updated);
}
