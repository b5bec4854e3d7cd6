/**
 * `http://authsome.local/` through a running proxy: a small page and the CA
 * certificate in PEM and DER, for a device or browser that cannot run the
 * CLI. Pure: a method and path in, the bytes of a whole HTTP/1.1 response
 * (with `Connection: close`) out. The CA certificate is public; nothing
 * secret is served.
 */

import type { CaCertificate } from "./ca.ts";

/** The host name the proxy answers itself for plain-HTTP requests. */
export const CA_PAGE_HOST = "authsome.local";

const encoder = new TextEncoder();

function response(
  status: string,
  type: string,
  body: Uint8Array,
  head: boolean,
  extra: readonly string[] = [],
): Uint8Array {
  const lines = [
    `HTTP/1.1 ${status}`,
    `content-type: ${type}`,
    `content-length: ${body.length}`,
    "cache-control: no-store",
    "x-content-type-options: nosniff",
    ...extra,
    "connection: close",
  ];
  const top = encoder.encode(`${lines.join("\r\n")}\r\n\r\n`);
  const out = new Uint8Array(top.length + (head ? 0 : body.length));
  out.set(top);
  if (!head) out.set(body, top.length);
  return out;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(ca: Pick<CaCertificate, "cert">): string {
  const subject = escapeHtml(ca.cert.subject.replaceAll("\n", ", "));
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>authsome local CA</title></head>
<body>
<h1>authsome local CA</h1>
<p>This machine's authsome proxy signs certificates for providers' API hosts with this CA.</p>
<ul>
<li>Subject: ${subject}</li>
<li>SHA-256: <code>${escapeHtml(ca.cert.fingerprint256)}</code></li>
<li>Valid until: ${escapeHtml(ca.cert.validTo)}</li>
</ul>
<p><a href="/ca.pem">ca.pem</a> (PEM) · <a href="/ca.der">ca.der</a> (DER, also <a href="/ca.crt">ca.crt</a>)</p>
<p>Check the fingerprint against <code>authsome cert status</code> before you trust it.</p>
</body>
</html>
`;
}

/** The response to `method path` on `http://authsome.local/`. */
export function caPageResponse(
  method: string,
  path: string,
  ca: Pick<CaCertificate, "cert" | "certPem" | "certDer">,
): Uint8Array {
  if (method !== "GET" && method !== "HEAD") {
    return response(
      "405 Method Not Allowed",
      "text/plain; charset=utf-8",
      encoder.encode("Only GET and HEAD\n"),
      false,
      ["allow: GET, HEAD"],
    );
  }
  const head = method === "HEAD";
  switch (path) {
    case "/":
    case "/index.html":
      return response("200 OK", "text/html; charset=utf-8", encoder.encode(page(ca)), head);
    case "/ca.pem":
      return response("200 OK", "application/x-pem-file", encoder.encode(ca.certPem), head, [
        'content-disposition: attachment; filename="authsome-ca.pem"',
      ]);
    case "/ca.der":
    case "/ca.crt":
      return response("200 OK", "application/x-x509-ca-cert", ca.certDer, head, [
        `content-disposition: attachment; filename="authsome-ca.${path.slice(4)}"`,
      ]);
    default:
      return response(
        "404 Not Found",
        "text/plain; charset=utf-8",
        encoder.encode("Not found\n"),
        head,
      );
  }
}
