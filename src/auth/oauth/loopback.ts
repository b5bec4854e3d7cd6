/**
 * The loopback redirect listener of a native app (RFC 8252 §7.3): an HTTP
 * server on 127.0.0.1, on an ephemeral port or the fixed one a provider has
 * registered, that waits for the one redirect carrying the right `state`.
 * A redirect with a wrong state is refused and the wait goes on, so a page
 * cannot end (or hijack) the login by calling the listener.
 */

import { AuthsomeError } from "../../errors.ts";
import { type Callback, parseCallback } from "./pkce.ts";

/** The path of the redirect URI. */
export const CALLBACK_PATH = "/callback";

/** A listening redirect target. */
export interface Loopback extends AsyncDisposable {
  readonly redirectUri: string;
  readonly port: number;
  /** The `state` the redirect must carry. */
  readonly state: string;
  /** The authorization code, once the browser comes back; rejects on refusal, timeout or abort. */
  wait(options: { timeoutMs: number; signal?: AbortSignal }): Promise<string>;
}

/** What the listener needs. */
export interface LoopbackOptions {
  readonly state: string;
  /** A fixed port (the provider only accepts a registered redirect URI), else an ephemeral one. */
  readonly port?: number;
  /** The provider's name for the page. */
  readonly title: string;
  /** Told about each refused callback (wrong state), for the CLI to mention. */
  readonly onRefused?: (reason: string) => void;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(status: number, heading: string, text: string): Response {
  const html = `<!doctype html><meta charset="utf-8"><title>authsome</title>` +
    `<body style="font-family:system-ui,sans-serif;max-width:36em;margin:4em auto">` +
    `<h1>${escapeHtml(heading)}</h1><p>${escapeHtml(text)}</p></body>`;
  return new Response(html, {
    status,
    headers: {
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-store",
      // The URL carries the code: no Referer, no scripts, nothing loaded.
      "referrer-policy": "no-referrer",
      "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'",
    },
  });
}

function settle(callback: Callback, title: string): { response: Response; outcome?: Outcome } {
  switch (callback.kind) {
    case "code":
      return {
        response: page(
          200,
          `Signed in to ${title}`,
          "authsome has the sign-in. You can close this tab and return to the terminal.",
        ),
        outcome: { ok: true, code: callback.code },
      };
    case "error": {
      const why = callback.description
        ? `${callback.error}: ${callback.description}`
        : callback.error;
      return {
        response: page(
          400,
          "Sign-in did not complete",
          `${title} answered: ${why}. You can close this tab.`,
        ),
        outcome: {
          ok: false,
          error: new AuthsomeError("auth", `${title} refused the sign-in (${why})`, {
            hint: callback.error === "access_denied"
              ? "The request was denied in the browser"
              : undefined,
          }),
        },
      };
    }
    case "invalid":
      return {
        response: page(
          400,
          "Sign-in did not complete",
          `${callback.reason}. You can close this tab.`,
        ),
        outcome: {
          ok: false,
          error: new AuthsomeError(
            "auth",
            `The sign-in redirect was malformed: ${callback.reason}`,
          ),
        },
      };
    case "wrong_state":
      return {
        response: page(400, "Not a sign-in authsome started", "The state does not match; ignored."),
      };
    default: {
      const never: never = callback;
      return never;
    }
  }
}

type Outcome = { ok: true; code: string } | { ok: false; error: AuthsomeError };

/** Starts the listener on 127.0.0.1. */
export function listenLoopback(options: LoopbackOptions): Loopback {
  let resolveOutcome!: (outcome: Outcome) => void;
  const outcome = new Promise<Outcome>((resolve) => (resolveOutcome = resolve));
  let done = false;
  let server: Deno.HttpServer<Deno.NetAddr>;
  try {
    server = Deno.serve({
      hostname: "127.0.0.1",
      port: options.port ?? 0,
      onListen: () => {},
    }, (request) => {
      const url = new URL(request.url);
      if (request.method !== "GET" || url.pathname !== CALLBACK_PATH) {
        return page(404, "Not found", "This is authsome's sign-in listener.");
      }
      if (done) {
        return page(410, "Already done", "This sign-in is finished. You can close this tab.");
      }
      const result = settle(parseCallback(url.searchParams, options.state), options.title);
      if (result.outcome) {
        done = true;
        resolveOutcome(result.outcome);
      } else {
        options.onRefused?.("a redirect with the wrong state was refused");
      }
      return result.response;
    });
  } catch (error) {
    if (error instanceof Deno.errors.AddrInUse) {
      throw new AuthsomeError("conflict", `Port ${options.port} on 127.0.0.1 is in use`, {
        hint:
          `The provider only accepts http://127.0.0.1:${options.port}${CALLBACK_PATH}; stop what uses the port`,
      });
    }
    throw error;
  }
  const port = server.addr.port;
  return {
    port,
    state: options.state,
    redirectUri: `http://127.0.0.1:${port}${CALLBACK_PATH}`,
    async wait({ timeoutMs, signal }) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<Outcome>((resolve) => {
        timer = setTimeout(() =>
          resolve({
            ok: false,
            error: new AuthsomeError(
              "auth",
              `No sign-in arrived from the browser within ${Math.round(timeoutMs / 1000)} s`,
              {
                hint:
                  "Run the login again, or use --flow device_code on a machine without a browser",
              },
            ),
          }), timeoutMs);
      });
      const aborted = new Promise<Outcome>((resolve) => {
        const cancel = () =>
          resolve({
            ok: false,
            error: new AuthsomeError("cancelled", "Cancelled; nothing was stored"),
          });
        if (signal?.aborted) cancel();
        signal?.addEventListener("abort", cancel, { once: true });
      });
      try {
        const result = await Promise.race([outcome, timeout, aborted]);
        if (!result.ok) throw result.error;
        return result.code;
      } finally {
        clearTimeout(timer);
      }
    },
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}
