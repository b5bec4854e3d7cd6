/**
 * Helpers for the OAuth tests: a provider file pointing at the test server,
 * an authsome process whose stderr is read line by line while it runs (to
 * follow the printed URL as a browser would), and a sweep for token values
 * in outputs and files.
 */

import assert from "node:assert/strict";
import { authsomeCommand, type CliResult, testEnv } from "./cli.ts";
import { type OAuthServer, TOKEN_CANARY } from "./oauth_server.ts";

/** The API host of the test provider; the fake origin serves it through --connect-to. */
export const API_HOST = "api.oauthtest.dev";

/** The environment of every OAuth test process: no browser, fast seconds (see fixtures/hooked_main.ts). */
export const OAUTH_ENV: Record<string, string> = {
  BROWSER: "none",
  AUTHSOME_TEST_OAUTH_SECOND_MS: "20",
};

/** Writes `$home/providers/NAME.json`: an oauth2 provider on `server`, with `oauth` overrides. */
export async function writeProvider(
  home: string,
  server: OAuthServer,
  oauth: Record<string, unknown> = {},
  name = "oauthtest",
): Promise<void> {
  const definition = {
    name,
    display_name: "OAuth Test",
    auth_type: "oauth2",
    api_url: API_HOST,
    injection: { type: "header", name: "Authorization", prefix: "Bearer " },
    placeholders: ["OAUTHTEST_TOKEN"],
    oauth: {
      base_url: server.url,
      authorization_url: "{base_url}/authorize?audience=tests",
      token_url: "{base_url}/token",
      device_authorization_url: "{base_url}/device",
      revocation_url: "{base_url}/revoke",
      scopes: ["read", "write"],
      token_endpoint_auth_method: "client_secret_basic",
      flows: ["pkce", "device_code", "client_credentials"],
      ...oauth,
    },
    export: { OAUTHTEST_TOKEN: "access_token" },
    docs_url: "https://example.com/docs",
  };
  await Deno.mkdir(`${home}/providers`, { recursive: true });
  await Deno.writeTextFile(`${home}/providers/${name}.json`, JSON.stringify(definition, null, 2));
}

/** A running authsome whose stderr is followed as it arrives. */
export interface Live {
  /** Resolves with the first match of `pattern` in stderr so far or to come. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  signal(signal: Deno.Signal): void;
  /** Waits for the exit. */
  finish(): Promise<CliResult>;
}

/** Starts `authsome ARGS` with stdin written (and closed) first. */
export function spawnAuthsome(
  args: readonly string[],
  options: { home: string; env?: Record<string, string>; stdin?: string },
): Live {
  const env = testEnv(options.home, { ...OAUTH_ENV, ...options.env });
  const [cmd, argv] = authsomeCommand(args, env);
  const child = new Deno.Command(cmd, {
    args: argv,
    env,
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (options.stdin !== undefined) {
    const writer = child.stdin.getWriter();
    writer.write(new TextEncoder().encode(options.stdin)).then(() => writer.close());
  }
  let stderr = "";
  const waiters = new Set<() => void>();
  const stderrDone = (async () => {
    for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) {
      stderr += chunk;
      for (const wake of waiters) wake();
    }
    for (const wake of waiters) wake();
  })();
  const stdout = new Response(child.stdout).text();
  let exited = false;
  const status = child.status.then((s) => (exited = true, s));
  return {
    waitFor(pattern, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no ${pattern} in stderr: ${stderr}`));
        }, timeoutMs);
        const check = () => {
          const match = stderr.match(pattern);
          if (match || exited) {
            waiters.delete(check);
            clearTimeout(timer);
            if (match) resolve(match);
            else reject(new Error(`exited without ${pattern} in stderr: ${stderr}`));
          }
        };
        waiters.add(check);
        check();
      });
    },
    signal: (signal) => child.kill(signal),
    async finish() {
      const { code } = await status;
      await stderrDone;
      return { code, stdout: await stdout, stderr };
    },
  };
}

/** Plays the browser: follows the authorization URL to its redirect, then loads the callback page. */
export async function followAuthorization(
  url: string,
): Promise<{ status: number; page: string; callback: string }> {
  const authorize = await fetch(url, { redirect: "manual" });
  await authorize.body?.cancel();
  const callback = authorize.headers.get("location");
  if (!callback) {
    throw new Error(`the authorize endpoint answered ${authorize.status} without a redirect`);
  }
  const response = await fetch(callback);
  return { status: response.status, page: await response.text(), callback };
}

/** The authorization URL printed by a PKCE login. */
export const AUTHORIZE_URL = /\n {2}(http:\/\/127\.0\.0\.1:\d+\/authorize\?\S+)\n/;

/** Fails when any issued token value (or the canary marker) appears in `texts`. */
export function assertNoTokens(server: OAuthServer, ...texts: string[]): void {
  for (const text of texts) {
    assert.ok(!text.includes(TOKEN_CANARY), `a token leaked: ${text}`);
    for (const token of server.issued) assert.ok(!text.includes(token), "a token leaked");
  }
}

/** Fails when a file under `dir` other than the encrypted vault holds a token. */
export async function assertNoTokensInHome(server: OAuthServer, dir: string): Promise<void> {
  for await (const entry of Deno.readDir(dir)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) await assertNoTokensInHome(server, path);
    else if (entry.isFile && entry.name !== "vault.json") {
      assertNoTokens(server, await Deno.readTextFile(path));
    }
  }
  const vault = await Deno.readTextFile(`${dir}/vault.json`).catch(() => "");
  assertNoTokens(server, vault);
}
