/**
 * A git smart-HTTP origin on 127.0.0.1 for `github.com`: a Deno HTTPS server
 * with a certificate from a test CA of its own that runs `git http-backend`
 * (CGI) over a folder of bare repositories, and records the Authorization
 * header of every request. A git request without the expected Basic header
 * gets 401; any other path is a plain page.
 */

import { loadOrCreateCa } from "../../src/tls/ca.ts";
import { issueLeaf, loadOrCreateLeafKey } from "../../src/tls/leaf.ts";

/** One request as the origin saw it. */
export interface GitSeen {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  /** The Authorization header, or "" when there was none. */
  readonly authorization: string;
}

/** A running git origin. */
export interface GitOrigin extends AsyncDisposable {
  /** Where the bare repositories live (`acme/widgets.git`). */
  readonly root: string;
  /** PEM of the CA that signed the origin's certificate. */
  readonly caFile: string;
  readonly seen: GitSeen[];
  /** `--connect-to github.com:443:127.0.0.1:PORT`. */
  readonly connectTo: string[];
}

const GIT_PATH = /^\/[^/]+\/[^/]+\/(info\/refs|git-upload-pack|git-receive-pack)$/;

/** Splits CGI output into a Response: `Status:` and the other headers, a blank line, the body. */
function cgiResponse(output: Uint8Array<ArrayBuffer>): Response {
  const text = new TextDecoder("latin1").decode(output);
  const end = text.search(/\r?\n\r?\n/);
  const head = text.slice(0, end).split(/\r?\n/);
  const bodyStart = end + (text.slice(end).match(/^\r?\n\r?\n/)![0].length);
  const headers = new Headers();
  let status = 200;
  for (const line of head) {
    const [name, ...rest] = line.split(":");
    const value = rest.join(":").trim();
    if (name.toLowerCase() === "status") status = Number(value.split(" ")[0]);
    else headers.append(name, value);
  }
  return new Response(output.slice(bodyStart), { status, headers });
}

/** Runs `git http-backend` for one request. */
async function backend(root: string, request: Request, url: URL): Promise<Response> {
  const body = new Uint8Array(await request.arrayBuffer());
  const child = new Deno.Command("git", {
    args: ["http-backend"],
    clearEnv: true,
    env: {
      PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: "1",
      REMOTE_USER: "x-access-token",
      REQUEST_METHOD: request.method,
      PATH_INFO: url.pathname,
      QUERY_STRING: url.search.slice(1),
      CONTENT_TYPE: request.headers.get("content-type") ?? "",
      CONTENT_LENGTH: String(body.length),
      HTTP_CONTENT_ENCODING: request.headers.get("content-encoding") ?? "",
      GIT_PROTOCOL: request.headers.get("git-protocol") ?? "",
    },
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(body);
  await writer.close();
  const out = await child.output();
  if (!out.success) {
    return new Response(new TextDecoder().decode(out.stderr), { status: 500 });
  }
  return cgiResponse(out.stdout);
}

/** Starts the origin; git requests must carry `expectedAuthorization`. */
export async function startGitOrigin(expectedAuthorization: string): Promise<GitOrigin> {
  const dir = await Deno.makeTempDir({ prefix: "authsome-git-origin-" });
  const root = `${dir}/repos`;
  await Deno.mkdir(root);
  const ca = await loadOrCreateCa(dir, { owner: "test-git-origin" });
  const key = await loadOrCreateLeafKey(dir);
  const cert = await issueLeaf(ca, "github.com", key, new Date());
  const seen: GitSeen[] = [];
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    cert,
    key: key.export({ type: "pkcs8", format: "pem" }) as string,
    onListen: () => {},
  }, async (request) => {
    const url = new URL(request.url);
    const authorization = request.headers.get("authorization") ?? "";
    seen.push({ method: request.method, path: url.pathname, query: url.search, authorization });
    if (!GIT_PATH.test(url.pathname)) {
      await request.body?.cancel();
      return new Response("a plain page\n", { headers: { "content-type": "text/html" } });
    }
    if (authorization !== expectedAuthorization) {
      await request.body?.cancel();
      return new Response("no credential\n", {
        status: 401,
        headers: { "www-authenticate": 'Basic realm="GitHub"' },
      });
    }
    return await backend(root, request, url);
  });
  return {
    root,
    caFile: `${dir}/ca.pem`,
    seen,
    connectTo: ["--connect-to", `github.com:443:127.0.0.1:${server.addr.port}`],
    [Symbol.asyncDispose]: async () => {
      await server.shutdown();
      await Deno.remove(dir, { recursive: true });
    },
  };
}
