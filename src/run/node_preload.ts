/**
 * The run's Node.js preload, loaded into every Node process of the child
 * through `NODE_OPTIONS=--require` however it was started (`env node`,
 * `sh -c`, a shebang script, npx, npm scripts). In a Node that honours
 * `NODE_USE_ENV_PROXY` for `https` it does nothing. In an older one it
 * replaces `https.globalAgent` with an agent that opens each connection
 * through the proxy with CONNECT (node core only), so `https.request`,
 * `https.get` and the libraries built on them reach the proxy; and where
 * `fetch` still goes around the proxy it says so once per run on stderr.
 * Pure: builds text.
 */

import { supportsEnvProxyJs } from "./node_version.ts";

/** The file name of the preload inside the run's Node folder. */
export const NODE_PRELOAD_FILE = "preload.cjs";

/** `NODE_OPTIONS` for the child: the user's own options first, then `--require PRELOAD`. */
export function nodeOptions(parent: string | undefined, preloadPath: string): string {
  // NODE_OPTIONS splits on spaces; a double-quoted value keeps them, with \ escaping " and \.
  const quoted = `"${preloadPath.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
  const own = parent?.trim();
  return own ? `${own} --require ${quoted}` : `--require ${quoted}`;
}

/**
 * `bypassed(host)`: whether the child's NO_PROXY (read from `env`) sends `host` direct.
 * Entries match a host and its subdomains (`corp.example`, `.corp.example`, `*.corp.example`),
 * a port suffix is ignored, IPv6 literals may be bracketed, `*` matches all.
 */
export const BYPASSED_JS = `
function bypassed(host) {
  const name = host.toLowerCase().replace(/^\\[|\\]$/g, "");
  return (env.NO_PROXY || env.no_proxy || "").split(",").some((entry) => {
    let e = entry.trim().toLowerCase();
    const bracketed = /^\\[([^\\]]+)\\](?::\\d+)?$/.exec(e);
    if (bracketed) e = bracketed[1];
    else if (e.split(":").length === 2) e = e.replace(/:\\d+$/, "");
    e = e.replace(/^\\*?\\./, "");
    return e === "*" || (e !== "" && (name === e || name.endsWith("." + e)));
  });
}
`;

/** The preload's source (CommonJS, node core modules only). */
export function nodePreloadSource(): string {
  return `// Written by authsome run: route this Node's https through the run's proxy.
"use strict";
(() => {
  const env = process.env;
  const proxy = env.HTTPS_PROXY || env.https_proxy;
  if (!proxy) return;
  const [major, minor] = process.versions.node.split(".").map(Number);
  const optedIn = env.NODE_USE_ENV_PROXY === "1";
  const fetchRouted = optedIn && (${supportsEnvProxyJs("fetch")});
  const httpsRouted = optedIn && (${supportsEnvProxyJs("https")});
  if (!httpsRouted) {
    try {
      require("https").globalAgent = tunnellingAgent(new URL(proxy));
    } catch (error) {
      warnOnce("https.request, fetch() and undici go around authsome's proxy and get no " +
        "credential (" + error.message + ")");
      return;
    }
  }
  if (!fetchRouted) {
    warnOnce("fetch() and undici go around authsome's proxy and get no credential " +
      "(https.request and https.get are routed)");
  }

  function warnOnce(clause) {
    try {
      require("fs").closeSync(require("fs").openSync(require("path").join(__dirname, "warned"), "wx"));
    } catch {
      return;
    }
    process.stderr.write("authsome: warning: Node " + process.version +
      " ignores NODE_USE_ENV_PROXY: " + clause + ". Use Node 24 or 22.21+\\n");
  }

  ${BYPASSED_JS.trim()}

  function tunnellingAgent(url) {
    const https = require("https"), net = require("net"), tls = require("tls");
    const auth = url.username
      ? "Proxy-Authorization: Basic " + Buffer.from(
        decodeURIComponent(url.username) + ":" + decodeURIComponent(url.password),
      ).toString("base64") + "\\r\\n"
      : "";
    class AuthsomeAgent extends https.Agent {
      createConnection(options, callback) {
        const host = options.host || options.hostname || "localhost";
        const port = Number(options.port) || 443;
        if (bypassed(host)) return super.createConnection(options, callback);
        const authority = net.isIPv6(host) ? "[" + host + "]:" + port : host + ":" + port;
        const socket = net.connect(Number(url.port) || 80, url.hostname.replace(/^\\[|\\]$/g, ""));
        let head = Buffer.alloc(0);
        const fail = (error) => {
          socket.destroy();
          callback(error);
        };
        const onData = (chunk) => {
          head = Buffer.concat([head, chunk]);
          const end = head.indexOf("\\r\\n\\r\\n");
          if (end < 0) {
            if (head.length > 65536) fail(new Error("authsome proxy: response head too long"));
            return;
          }
          socket.removeListener("data", onData);
          socket.removeListener("error", fail);
          socket.pause();
          const status = head.toString("latin1", 0, end).split("\\r\\n")[0];
          if (!/^HTTP\\/1\\.[01] 200 /.test(status + " ")) {
            return fail(new Error("authsome proxy refused CONNECT " + authority + ": " + status));
          }
          if (head.length > end + 4) socket.unshift(head.subarray(end + 4));
          const servername = options.servername || (net.isIP(host) ? undefined : host);
          callback(null, tls.connect({ ...options, host, port, socket, servername }));
        };
        socket.on("data", onData);
        socket.once("error", fail);
        socket.once("connect", () => {
          socket.write("CONNECT " + authority + " HTTP/1.1\\r\\nHost: " + authority + "\\r\\n" +
            auth + "\\r\\n");
        });
        return undefined;
      }
    }
    return new AuthsomeAgent({ keepAlive: true });
  }
})();
`;
}
