/**
 * What `authsome doctor --clients` runs and how it judges the result. Each
 * probe is a common HTTP client making one request to the check endpoint in
 * the environment `run` gives a child; what the proxy and the endpoint saw
 * becomes four answers (uses the proxy, sends the per-run token, trusts the
 * CA, the credential arrives) and, for the first that fails, a fix. Pure.
 */

/** One client the doctor knows how to drive. */
export interface Probe {
  /** A stable id, also the check endpoint's path. */
  readonly id: string;
  /** What the table calls it. */
  readonly label: string;
  /** The program looked up on PATH. */
  readonly program: string;
  /** For Python probes: the module that must import. */
  readonly module?: string;
  /** The arguments after the program, given the URL and a folder for files. */
  args(url: string, dir: string): string[];
  /** Files the probe needs in that folder. */
  readonly files?: Readonly<Record<string, string>>;
  /** The arguments that print its version (Python probes print the module's). */
  readonly versionArgs: readonly string[];
  /** Where the client takes the CA from in a run, for the fix. */
  readonly caFrom: string;
}

const py = (module: string, code: string, caFrom: string, label = `python3 ${module}`): Probe => ({
  id: `python-${module}`,
  label,
  program: "python3",
  module,
  args: (url) => ["-c", code, url],
  versionArgs: ["-c", `import ${module}; print(${module}.__version__)`],
  caFrom,
});

const GO_PROBE = `package main

import (
	"fmt"
	"net/http"
	"os"
)

func main() {
	resp, err := http.Get(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		os.Exit(1)
	}
}
`;

const NODE_HTTPS =
  `require("https").get(process.argv[1], (r) => { r.resume(); r.on("end", () => process.exit(r.statusCode === 200 ? 0 : 1)); }).on("error", (e) => { console.error(e.message); process.exit(1); });`;
const NODE_FETCH =
  `fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), (e) => { console.error(e.cause?.message ?? e.message); process.exit(1); });`;
const JS_FETCH = (url: string) =>
  `const r = await fetch(${
    JSON.stringify(url)
  }); await r.arrayBuffer(); if (!r.ok) throw new Error("HTTP " + r.status);`;

/** Every client the doctor tries, in the order the table lists them. */
export const PROBES: readonly Probe[] = [
  {
    id: "curl",
    label: "curl",
    program: "curl",
    args: (url) => ["-sS", "-f", "-o", "/dev/null", url],
    versionArgs: ["--version"],
    caFrom: "CURL_CA_BUNDLE",
  },
  {
    id: "wget",
    label: "wget",
    program: "wget",
    args: (url) => ["-q", "-O", "/dev/null", url],
    versionArgs: ["--version"],
    caFrom: "WGETRC (the run's wgetrc names the bundle)",
  },
  py(
    "requests",
    "import requests, sys; requests.get(sys.argv[1]).raise_for_status()",
    "REQUESTS_CA_BUNDLE",
  ),
  py(
    "httpx",
    "import httpx, sys; httpx.get(sys.argv[1]).raise_for_status()",
    "certifi, redirected by the run's sitecustomize on PYTHONPATH",
  ),
  py(
    "aiohttp",
    "import asyncio, aiohttp, sys\nasync def main():\n    async with aiohttp.ClientSession() as s:\n        async with s.get(sys.argv[1]) as r:\n            r.raise_for_status()\nasyncio.run(main())",
    "SSL_CERT_FILE",
  ),
  py(
    "certifi",
    "import certifi, ssl, sys, urllib.request; urllib.request.urlopen(sys.argv[1], context=ssl.create_default_context(cafile=certifi.where())).read()",
    "certifi, redirected by the run's sitecustomize on PYTHONPATH",
    "python3 urllib+certifi",
  ),
  {
    id: "node-https",
    label: "node https",
    program: "node",
    args: (url) => ["-e", NODE_HTTPS, url],
    versionArgs: ["--version"],
    caFrom: "NODE_EXTRA_CA_CERTS",
  },
  {
    id: "node-fetch",
    label: "node fetch",
    program: "node",
    args: (url) => ["-e", NODE_FETCH, url],
    versionArgs: ["--version"],
    caFrom: "NODE_EXTRA_CA_CERTS",
  },
  {
    id: "deno",
    label: "deno fetch",
    program: "deno",
    args: (url) => ["eval", JS_FETCH(url)],
    versionArgs: ["--version"],
    caFrom: "DENO_CERT",
  },
  {
    id: "bun",
    label: "bun fetch",
    program: "bun",
    args: (url) => ["-e", JS_FETCH(url)],
    versionArgs: ["--version"],
    caFrom: "NODE_EXTRA_CA_CERTS",
  },
  {
    id: "go",
    label: "go net/http",
    program: "go",
    args: (url, dir) => ["run", `${dir}/probe.go`, url],
    files: { "probe.go": GO_PROBE },
    versionArgs: ["version"],
    caFrom: "SSL_CERT_FILE (Linux; macOS asks the keychain: authsome cert install)",
  },
  {
    id: "git",
    label: "git",
    program: "git",
    args: (url) => ["ls-remote", `${url}/repo.git`],
    versionArgs: ["--version"],
    caFrom: "GIT_SSL_CAINFO",
  },
];

/** The first version number in a program's `--version` text. */
export function versionOf(text: string): string | undefined {
  return /\d+\.\d+(?:\.\d+)?/.exec(text)?.[0];
}

/** What happened while one probe ran. */
export interface Observation {
  /** Connections the client opened to the proxy. */
  readonly connections: number;
  /** Status codes the proxy answered the client's CONNECTs with. */
  readonly connectStatuses: readonly number[];
  /** Requests that reached the check endpoint through the proxy. */
  readonly arrived: number;
  /** Of those, how many carried the check's credential. */
  readonly withCredential: number;
  /** The client's exit code (undefined when it was stopped after the timeout). */
  readonly exitCode?: number;
  /** The last line the client wrote on stderr. */
  readonly lastError?: string;
}

/** One answer of the four: true, false, or null when an earlier step failed. */
export type Answer = boolean | null;

/** A client's row. */
export interface ClientRow {
  readonly id: string;
  readonly client: string;
  readonly version?: string;
  /** Not on PATH, or the Python module does not import. */
  readonly missing?: string;
  readonly proxy: Answer;
  readonly token: Answer;
  readonly ca: Answer;
  readonly credential: Answer;
  readonly ok: boolean;
  readonly fix?: string;
  readonly detail?: string;
}

/** The row of a client that is not there. */
export function missingRow(probe: Probe, why: string): ClientRow {
  return {
    id: probe.id,
    client: probe.label,
    missing: why,
    proxy: null,
    token: null,
    ca: null,
    credential: null,
    ok: true,
  };
}

function proxyFix(probe: Probe, version: string | undefined): string {
  switch (probe.id) {
    case "node-fetch":
      return `Node ${version ?? ""}'s fetch() ignores NODE_USE_ENV_PROXY before 22.21: ` +
        "use Node 24 or 22.21+ (its https.request is routed), or authsome export for it";
    case "node-https":
      return "Node's https is routed by the run's preload in NODE_OPTIONS: keep NODE_OPTIONS " +
        "(add to it, do not replace it), or use Node 24 or 22.21+";
    case "python-aiohttp":
      return "Make sessions with aiohttp.ClientSession(trust_env=True), and keep PYTHONPATH " +
        "(the run's sitecustomize makes that the default)";
    default:
      return `${probe.label} did not use HTTPS_PROXY: check its own configuration (a proxy or ` +
        "no-proxy setting) and NO_PROXY, or use authsome export for it";
  }
}

/** The step of the four that failed first, if one did. */
type Failed = "proxy" | "token" | "ca" | "credential" | "afterwards";

function fixFor(failed: Failed, probe: Probe, version: string | undefined): string {
  switch (failed) {
    case "proxy":
      return proxyFix(probe, version);
    case "token":
      return `${probe.label} did not send the proxy URL's credentials (the per-run token): ` +
        "use authsome export for it";
    case "ca":
      return `${probe.label} does not trust the run's CA: it reads ${probe.caFrom}, which ` +
        "authsome run sets; check that nothing overrides it (or run: authsome cert install)";
    case "credential":
      return "The request arrived without the credential: report this as a bug in authsome";
    case "afterwards":
      return `${probe.label} failed after the credential arrived: see what it said`;
    default: {
      const never: never = failed;
      return never;
    }
  }
}

/** The four answers and the fix for one probe's observation. */
export function judge(probe: Probe, version: string | undefined, seen: Observation): ClientRow {
  const proxy = seen.connections > 0;
  const token = proxy ? seen.connectStatuses.includes(200) : null;
  const ca = token ? seen.arrived > 0 : null;
  const credential = ca ? seen.withCredential > 0 && seen.exitCode === 0 : null;
  const failed: Failed | undefined = !proxy
    ? "proxy"
    : !token
    ? "token"
    : !ca
    ? "ca"
    : seen.withCredential === 0
    ? "credential"
    : seen.exitCode !== 0
    ? "afterwards"
    : undefined;
  return {
    id: probe.id,
    client: probe.label,
    version,
    proxy,
    token,
    ca,
    credential,
    ok: failed === undefined,
    ...(failed ? { fix: fixFor(failed, probe, version) } : {}),
    ...(failed && seen.lastError ? { detail: seen.lastError } : {}),
  };
}
