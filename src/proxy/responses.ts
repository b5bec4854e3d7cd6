/**
 * The answers the proxy gives itself: short, with a JSON body that says what
 * happened (`{"error": "authsome_upstream", "message": ...}`) and never a secret.
 */

const REASONS: Readonly<Record<number, string>> = {
  200: "OK",
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  407: "Proxy Authentication Required",
  421: "Misdirected Request",
  431: "Request Header Fields Too Large",
  501: "Not Implemented",
  502: "Bad Gateway",
  504: "Gateway Timeout",
  505: "HTTP Version Not Supported",
};

const encoder = new TextEncoder();

/** The reason phrase for a status. */
export function reasonPhrase(status: number): string {
  return REASONS[status] ?? "Error";
}

/** A complete response with a JSON error body; `close` adds `Connection: close`. */
export function errorResponse(
  status: number,
  error: string,
  message: string,
  options: { close?: boolean; headers?: readonly [string, string][] } = {},
): Uint8Array {
  const body = `${JSON.stringify({ error, message })}\n`;
  const headers: [string, string][] = [
    ["Content-Type", "application/json"],
    ["Content-Length", String(encoder.encode(body).length)],
    ...(options.headers ?? []),
    ...(options.close ? [["Connection", "close"] as [string, string]] : []),
  ];
  const head = `HTTP/1.1 ${status} ${reasonPhrase(status)}\r\n${
    headers.map(([n, v]) => `${n}: ${v}\r\n`).join("")
  }\r\n`;
  return encoder.encode(head + body);
}

/** The 407 challenge: Basic with realm "authsome", so clients such as git retry with credentials. */
export function proxyAuthRequired(close: boolean): Uint8Array {
  return errorResponse(
    407,
    "authsome_proxy_auth",
    "This proxy needs the credentials from the proxy URL authsome run set",
    {
      close,
      headers: [["Proxy-Authenticate", 'Basic realm="authsome"']],
    },
  );
}

/** `200 Connection established` for a CONNECT. */
export const CONNECT_OK: Uint8Array = encoder.encode("HTTP/1.1 200 Connection established\r\n\r\n");
