// deno-lint-ignore-file no-console
/**
 * The benchmark's load generator: speaks CONNECT and TLS itself, so direct,
 * authsome and mitmproxy are driven by the same code with the same
 * connection counts. Reads a JSON config as its argument (the proxy URL may
 * come from HTTPS_PROXY and the CA from NODE_EXTRA_CA_CERTS when run under
 * `authsome run`) and prints one JSON object of results.
 */

interface Config {
  /** "direct", "env" (HTTPS_PROXY of `authsome run`) or a proxy URL. */
  readonly via: string;
  /**
   * The CA bundle the client trusts; "env" reads SSL_CERT_FILE, the run's
   * bundle of system roots plus authsome's CA. Every column is given the
   * system roots plus its own CA, so none is flattered by a smaller bundle.
   */
  readonly ca: string;
  readonly port: number;
  readonly seconds: number;
  readonly concurrency: readonly number[];
  /** The proxy's pid for RSS samples; "parent" under `authsome run`. */
  readonly proxyPid?: number | "parent";
  /** Measure certificate minting for new hosts (authsome only). */
  readonly minting?: boolean;
  /** The client sends the header itself (the relay-only floor injects nothing). */
  readonly sendsAuth?: boolean;
}

const config: Config = JSON.parse(Deno.args[0]);
const ca = Deno.readTextFileSync(
  config.ca === "env" ? Deno.env.get("SSL_CERT_FILE")! : config.ca,
);
const proxy = config.via === "direct"
  ? undefined
  : new URL(config.via === "env" ? Deno.env.get("HTTPS_PROXY")! : config.via);
const proxyPid = config.proxyPid === "parent" ? Deno.ppid : config.proxyPid;
const encoder = new TextEncoder();
const host = `127.0.0.1:${config.port}`;
const auth = proxy && !config.sendsAuth ? "" : "Authorization: Bearer bench-key\r\n";

function rss(): { rss: number; hwm: number } | undefined {
  if (!proxyPid) return undefined;
  const status = Deno.readTextFileSync(`/proc/${proxyPid}/status`);
  const kb = (name: string) =>
    Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) * 1024;
  return { rss: kb("VmRSS"), hwm: kb("VmHWM") };
}

/** CPU time (user + system) the proxy has used, in ms; clock ticks are 100 Hz on Linux. */
function cpuMs(): number | undefined {
  if (!proxyPid) return undefined;
  const fields = Deno.readTextFileSync(`/proc/${proxyPid}/stat`).split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

class Reader {
  buffer = new Uint8Array(256 * 1024);
  start = 0;
  end = 0;
  constructor(readonly conn: Deno.Conn) {}
  async fill(): Promise<void> {
    if (this.start > 0) {
      this.buffer.copyWithin(0, this.start, this.end);
      this.end -= this.start;
      this.start = 0;
    }
    const n = await this.conn.read(this.buffer.subarray(this.end));
    if (n === null) throw new Error("connection closed");
    this.end += n;
  }
  async head(): Promise<{ status: number; length: number; chunked: boolean }> {
    for (;;) {
      const view = this.buffer.subarray(this.start, this.end);
      for (let i = 0; i + 3 < view.length; i++) {
        if (view[i] === 13 && view[i + 1] === 10 && view[i + 2] === 13 && view[i + 3] === 10) {
          const text = new TextDecoder("latin1").decode(view.subarray(0, i));
          this.start += i + 4;
          const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(text)?.[1] ?? -1);
          return {
            status: Number(text.slice(9, 12)),
            length,
            chunked: /\r\ntransfer-encoding:\s*chunked/i.test(text),
          };
        }
      }
      await this.fill();
    }
  }
  async skip(length: number): Promise<void> {
    let left = length;
    for (;;) {
      const take = Math.min(left, this.end - this.start);
      this.start += take;
      left -= take;
      if (left === 0) return;
      await this.fill();
    }
  }
  /** Reads chunked data, calling `onData` with each piece of text, until the last chunk. */
  async chunked(onData: (text: string) => void): Promise<void> {
    for (;;) {
      let line = -1;
      while ((line = this.buffer.subarray(this.start, this.end).indexOf(10)) === -1) {
        await this.fill();
      }
      const size = parseInt(
        new TextDecoder().decode(this.buffer.subarray(this.start, this.start + line)),
        16,
      );
      this.start += line + 1;
      if (size === 0) return this.skip(2);
      while (this.end - this.start < size + 2) await this.fill();
      onData(new TextDecoder().decode(this.buffer.subarray(this.start, this.start + size)));
      this.start += size + 2;
    }
  }
}

/** Opens a TLS connection to the origin, directly or through the proxy's CONNECT; no-delay set, as curl and every HTTP library set it. */
async function open(connectHost = host): Promise<{ conn: Deno.TlsConn; reader: Reader }> {
  const name = connectHost.split(":")[0];
  const tcp = proxy
    ? await Deno.connect({ hostname: proxy.hostname, port: Number(proxy.port) })
    : await Deno.connect({ hostname: "127.0.0.1", port: config.port });
  tcp.setNoDelay(true);
  if (proxy) {
    const credentials = proxy.username
      ? `Proxy-Authorization: Basic ${btoa(`${proxy.username}:${proxy.password}`)}\r\n`
      : "";
    await tcp.write(
      encoder.encode(
        `CONNECT ${connectHost} HTTP/1.1\r\nHost: ${connectHost}\r\n${credentials}\r\n`,
      ),
    );
    const head = await new Reader(tcp).head();
    if (head.status !== 200) throw new Error(`CONNECT answered ${head.status}`);
  }
  const conn = await Deno.startTls(tcp, { hostname: proxy ? name : "127.0.0.1", caCerts: [ca] });
  await conn.handshake();
  return { conn, reader: new Reader(conn) };
}

async function exchange(
  c: { conn: Deno.Conn; reader: Reader },
  request: Uint8Array,
  body?: Uint8Array,
): Promise<number> {
  await c.conn.write(request);
  if (body) { for (let i = 0; i < body.length;) i += await c.conn.write(body.subarray(i)); }
  const head = await c.reader.head();
  await c.reader.skip(head.length);
  return head.status;
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0
    ? NaN
    : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

async function keepAlive(connections: number): Promise<Record<string, number>> {
  const request = encoder.encode(`GET /small HTTP/1.1\r\nHost: ${host}\r\n${auth}\r\n`);
  const conns = await Promise.all(Array.from({ length: connections }, () => open()));
  for (const c of conns) await exchange(c, request);
  const latencies: number[] = [];
  let errors = 0;
  const cpuBefore = cpuMs();
  const stop = performance.now() + config.seconds * 1000;
  await Promise.all(conns.map(async (c) => {
    while (performance.now() < stop) {
      const t = performance.now();
      if ((await exchange(c, request)) !== 200) errors++;
      latencies.push(performance.now() - t);
    }
  }));
  const memory = rss();
  const cpu = cpuBefore === undefined
    ? undefined
    : (cpuMs()! - cpuBefore) * 1000 / latencies.length;
  for (const c of conns) c.conn.close();
  latencies.sort((a, b) => a - b);
  return {
    rps: latencies.length / config.seconds,
    ...(cpu === undefined ? {} : { cpu_us_per_request: cpu }),
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    errors,
    ...(memory ? { rss: memory.rss, hwm: memory.hwm } : {}),
  };
}

async function median(times: number, fn: () => Promise<number>): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < times; i++) samples.push(await fn());
  return samples.sort((a, b) => a - b)[Math.floor(samples.length / 2)];
}

/**
 * A new connection per request, as CLI tools and most agent calls make them:
 * the CONNECT and TLS handshake, then what users wait for after it, the
 * first response (request sent to response head read).
 */
async function newConnection(): Promise<{ connect: number; firstResponse: number }> {
  const request = encoder.encode(`GET /small HTTP/1.1\r\nHost: ${host}\r\n${auth}\r\n`);
  const connect: number[] = [];
  const firstResponse: number[] = [];
  const rounds = Math.max(20, config.seconds * 20);
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    const c = await open();
    const handshaken = performance.now();
    await c.conn.write(request);
    const head = await c.reader.head();
    const answered = performance.now();
    await c.reader.skip(head.length);
    c.conn.close();
    connect.push(handshaken - t);
    firstResponse.push(answered - handshaken);
  }
  const mid = (values: number[]) => percentile(values.sort((a, b) => a - b), 0.5);
  return { connect: mid(connect), firstResponse: mid(firstResponse) };
}

/** New connections per second with `clients` clients, each opening one connection per request. */
async function connectionsPerSecond(clients: number): Promise<number> {
  const request = encoder.encode(
    `GET /small HTTP/1.1\r\nHost: ${host}\r\n${auth}Connection: close\r\n\r\n`,
  );
  let done = 0;
  const start = performance.now();
  const stop = start + config.seconds * 1000;
  await Promise.all(Array.from({ length: clients }, async () => {
    while (performance.now() < stop) {
      const c = await open();
      if ((await exchange(c, request)) !== 200) throw new Error("request failed");
      c.conn.close();
      done++;
    }
  }));
  return done / ((performance.now() - start) / 1000);
}

async function minting(): Promise<{ cached: number; fresh: number }> {
  const handshake = async (name: string) => {
    const t = performance.now();
    const c = await open(`${name}:443`);
    const elapsed = performance.now() - t;
    c.conn.close();
    return elapsed;
  };
  await handshake("cached.bench.test");
  const rounds = Math.max(20, config.seconds * 20);
  const cached = await median(rounds, () => handshake("cached.bench.test"));
  const fresh = await median(
    rounds,
    () => handshake(`h${crypto.randomUUID().slice(0, 12)}.bench.test`),
  );
  return { cached, fresh };
}

async function transfers(): Promise<Record<string, number>> {
  const c = await open();
  const mib = 1024 * 1024;
  const down = encoder.encode(`GET /bytes/${mib} HTTP/1.1\r\nHost: ${host}\r\n${auth}\r\n`);
  const up = encoder.encode(
    `POST /upload HTTP/1.1\r\nHost: ${host}\r\n${auth}Content-Length: ${mib}\r\n\r\n`,
  );
  const payload = new Uint8Array(mib);
  const before = rss();
  const rate = async (fn: () => Promise<number>) => {
    const stop = performance.now() + config.seconds * 1000;
    const t = performance.now();
    let n = 0;
    while (performance.now() < stop) {
      if ((await fn()) !== 200) throw new Error("transfer failed");
      n++;
    }
    return n * mib / ((performance.now() - t) / 1000) / 1e6;
  };
  const download = await rate(() => exchange(c, down));
  const upload = await rate(() => exchange(c, up, payload));
  const after = rss();
  c.conn.close();
  return {
    download_mbps: download,
    upload_mbps: upload,
    ...(before && after ? { rss_before: before.rss, rss_after: after.rss } : {}),
  };
}

async function sse(): Promise<{ p50: number; max: number }> {
  const c = await open();
  await c.conn.write(
    encoder.encode(
      `GET /sse?n=${
        20 * Math.max(1, config.seconds)
      }&gap=20 HTTP/1.1\r\nHost: ${host}\r\n${auth}\r\n`,
    ),
  );
  const head = await c.reader.head();
  if (!head.chunked) throw new Error("expected a chunked event stream");
  const lags: number[] = [];
  await c.reader.chunked((text) => {
    for (const m of text.matchAll(/data: ([0-9.]+)/g)) {
      lags.push(performance.timeOrigin + performance.now() - Number(m[1]));
    }
  });
  c.conn.close();
  lags.sort((a, b) => a - b);
  return { p50: percentile(lags, 0.5), max: lags[lags.length - 1] };
}

const results: Record<string, unknown> = { keepalive: {}, rss_start: rss()?.rss };
for (const n of config.concurrency) {
  (results.keepalive as Record<string, unknown>)[n] = await keepAlive(n);
}
const fresh = await newConnection();
results.new_connection_ms = fresh.connect;
results.first_response_ms = fresh.firstResponse;
results.new_connections_per_s = await connectionsPerSecond(8);
if (config.minting) results.minting_ms = await minting();
results.transfer = await transfers();
results.sse_lag_ms = await sse();
console.log(JSON.stringify(results));
