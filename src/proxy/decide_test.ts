import assert from "node:assert/strict";
import type { Resolved } from "../auth/credentials.ts";
import type { Route } from "../providers/matcher.ts";
import { PLACEHOLDER } from "../run/env.ts";
import { Secret } from "../secret.ts";
import { canonicalPath } from "./canonical.ts";
import {
  afterResponse,
  CREDENTIAL_ERRORS,
  decideConnect,
  gateRequest,
  planRequest,
  routeRequest,
} from "./decide.ts";
import { getHeaders } from "./head_edit.ts";
import { parseRequestHead, type RequestHead } from "./request_head.ts";
import { mergePolicies, OPEN_POLICY, parseAllowFlag } from "../policy/mod.ts";

function head(text: string): RequestHead {
  const parsed = parseRequestHead(new TextEncoder().encode(text.replaceAll("\n", "\r\n")));
  if (parsed.kind !== "head") throw new Error(`not a head: ${JSON.stringify(parsed)}`);
  return parsed.head;
}

function route(provider: string, host: string, pathPrefix = ""): Route {
  return { host: { kind: "exact", host }, port: 443, pathPrefix, provider, injections: [] };
}

const V1 = route("v1", "api.example.com", "/v1");
const ROUTES = [V1, route("openai", "api.openai.com")];
const TUNNEL = { host: "api.example.com", port: 443 };

Deno.test("canonicalPath() removes dot segments as an origin reads them (RFC 3986 §5.2.4)", () => {
  const rows: [string, string, ("merge" | "decode")?][] = [
    ["/v1/models", "/v1/models"],
    ["/", "/"],
    ["/v1/../v2/x", "/v2/x"],
    ["/v1/%2e%2e/v2/x", "/v2/x"],
    ["/v1/%2E%2E/v2/x", "/v2/x"],
    ["/v1/.%2e/v2/x", "/v2/x"],
    ["/v1/..%2Fv2/x", "/v2/x"],
    ["/v1/..%5cv2/x", "/v2/x"],
    ["/v1/..\\v2/x", "/v2/x"],
    ["/v1/x;/../../v2", "/v2"],
    ["/v1/..;x/v2", "/v2"],
    ["/v1/./a/.", "/v1/a/"],
    ["/v1/a/..", "/v1/"],
    ["/v1//../v2", "/v1/v2"],
    ["/v1//../v2", "/v2", "merge"],
    ["/v1/x%2F..%2F..%2Fv2", "/v1/x%2F..%2F..%2Fv2"],
    ["/v1/x%2F..%2F..%2Fv2", "/v2", "decode"],
    ["/v1/a%2Fb", "/v1/a/b", "decode"],
    ["/v1/a%2Fb", "/v1/a%2Fb"],
    ["/v1/...", "/v1/..."],
    ["/../../etc", "/etc"],
  ];
  for (const [raw, canonical, reading] of rows) {
    const options = reading === "merge"
      ? { mergeSlashes: true }
      : reading === "decode"
      ? { mergeSlashes: true, decodeSlashes: true }
      : {};
    assert.equal(canonicalPath(raw, options), canonical, `${raw} ${reading ?? ""}`);
  }
});

Deno.test("decideConnect() gives challenge, intercept, tunnel, refuse or plain", () => {
  const facts = { authorized: true, routes: ROUTES, denyUnmatched: false };
  const deny = { ...facts, denyUnmatched: true };
  const connect = head("CONNECT api.openai.com:443 HTTP/1.1\nHost: api.openai.com:443\n\n");
  const other = head("CONNECT evil.example:443 HTTP/1.1\nHost: evil.example:443\n\n");
  const plain = head("GET http://evil.example/x?q=1 HTTP/1.1\nHost: evil.example\n\n");
  const post = head("POST http://a.example/ HTTP/1.1\nHost: a.example\nContent-Length: 3\n\n");
  const rows: [string, ReturnType<typeof decideConnect>, unknown][] = [
    ["no token, CONNECT", decideConnect(connect, { ...facts, authorized: false }), {
      kind: "challenge",
      keepAlive: true,
    }],
    ["no token, body", decideConnect(post, { ...facts, authorized: false }), {
      kind: "challenge",
      keepAlive: false,
    }],
    ["routed host", decideConnect(connect, facts), {
      kind: "intercept",
      target: { host: "api.openai.com", port: 443 },
    }],
    ["other host", decideConnect(other, facts), {
      kind: "tunnel",
      target: { host: "evil.example", port: 443 },
    }],
    ["other host, --deny-unmatched", decideConnect(other, deny), {
      kind: "answer",
      status: 403,
      code: "authsome_denied",
      message: "evil.example:443 matches no provider, and this run allows only providers' hosts",
      denied: { host: "evil.example", port: 443 },
    }],
    ["plain http://, --deny-unmatched", decideConnect(plain, deny), {
      kind: "answer",
      status: 403,
      code: "authsome_denied",
      message: "evil.example:80 matches no provider, and this run allows only providers' hosts",
      denied: { host: "evil.example", port: 80 },
    }],
    ["origin-form to the proxy", decideConnect(head("GET / HTTP/1.1\nHost: x\n\n"), facts), {
      kind: "answer",
      status: 400,
      code: "authsome_not_a_server",
      message: "This is authsome's proxy: send requests through it, not to it",
    }],
  ];
  for (const [name, got, want] of rows) assert.deepEqual(got, want, name);
  const forwarded = decideConnect(plain, facts);
  assert.equal(forwarded.kind, "plain");
  if (forwarded.kind === "plain") {
    assert.equal(forwarded.head.target, "/x?q=1");
    assert.deepEqual(getHeaders(forwarded.head, "connection"), ["close"]);
  }
});

Deno.test("routeRequest() refuses every target that would reach another path or origin", () => {
  const rows: [string, string, number | string][] = [
    // [request line, extra header lines, status or route kind]
    ["GET /v1/models", "", "credential"],
    ["GET /v2/models", "", "pass"],
    ["GET /v1/../v2/x", "", 400],
    ["GET /v1/%2e%2e/v2/x", "", 400],
    ["GET /v1/%2E%2E/v2/x", "", 400],
    ["GET /v1/.%2e/v2/x", "", 400],
    ["GET /v1/..%2Fv2/x", "", 400],
    ["GET /v1//../../v2/x", "", 400],
    ["GET /v1/x;/../../v2", "", 400],
    ["GET /v1/..\\v2/x", "", 400],
    ["GET /v1/x%2F..%2F..%2Fv2/x", "", 400],
    ["GET /v1/a%2Fb/c", "", "credential"],
    ["GET /v1/a/../b", "", "credential"],
    ["GET /v2/../v1/x", "", 400],
    ["GET https://api.example.com/v1/models", "", "credential"],
    ["GET https://api.example.com:443/v1/models", "", "credential"],
    ["GET https://evil.example/v1/models", "", 421],
    ["GET http://api.example.com/v1/models", "", 421],
    ["GET https://api.example.com:8443/v1/models", "", 421],
    ["CONNECT api.example.com:443", "", 400],
    ["OPTIONS *", "", "pass"],
  ];
  for (const [line, extra, want] of rows) {
    const h = head(`${line} HTTP/1.1\nHost: api.example.com\n${extra}\n`);
    const got = routeRequest(h, TUNNEL, ROUTES);
    assert.equal(got.kind === "answer" ? got.status : got.kind, want, line);
  }
  const wrongHost = routeRequest(head("GET /v1 HTTP/1.1\nHost: evil.example\n\n"), TUNNEL, ROUTES);
  assert.equal(wrongHost.kind === "answer" && wrongHost.status, 421);
});

Deno.test("routeRequest() forwards a canonical path byte for byte, absolute form as origin form", () => {
  const raw = head("GET /v1/a%2Fb;x?q=%2e%2e HTTP/1.1\nHost: api.example.com\n\n");
  const same = routeRequest(raw, TUNNEL, ROUTES);
  assert.ok(same.kind === "credential");
  assert.equal(same.head.target, "/v1/a%2Fb;x?q=%2e%2e");
  const absolute = routeRequest(
    head("GET https://api.example.com/v1/m?x=1 HTTP/1.1\nHost: api.example.com\n\n"),
    TUNNEL,
    ROUTES,
  );
  assert.ok(absolute.kind === "credential");
  assert.equal(absolute.head.target, "/v1/m?x=1");
  assert.equal(absolute.head.form, "origin");
});

function resolved(extra: Partial<Resolved> = {}): Resolved {
  return {
    connection: "default",
    credentials: [{ kind: "header", name: "x-api-key", value: new Secret("sk-ant-real-key-123") }],
    accepted: [
      { kind: "header", name: "x-api-key", value: new Secret("sk-ant-real-key-123") },
      { kind: "header", name: "Authorization", value: new Secret("Bearer sk-ant-real-key-123") },
    ],
    ...extra,
  };
}

Deno.test("planRequest() maps each credential error to its status and code", () => {
  const routed = routeRequest(head("GET /v1 HTTP/1.1\nHost: api.example.com\n\n"), TUNNEL, ROUTES);
  assert.ok(routed.kind === "credential");
  const rows = [
    ["not_found", 400, "authsome_connection_not_found"],
    ["network", 502, "authsome_refresh_failed"],
    ["auth", 401, "authsome_reauth_required"],
    ["not_approved", 403, "authsome_route_not_approved"],
    ["vault", 401, "authsome_reauth_required"],
  ] as const;
  for (const [code, status, error] of rows) {
    const plan = planRequest(routed, { kind: "error", code, message: "No", hint: "Run: x" });
    assert.deepEqual(plan, { kind: "answer", status, code: error, message: "No. Run: x" }, code);
  }
  assert.equal(Object.keys(CREDENTIAL_ERRORS).length, 4);
});

Deno.test("planRequest() gives a placeholder the credential where accepted, else removes it", () => {
  const rows: [string, Record<string, string[]>, string, Record<string, string>][] = [
    [
      `GET /v1?k=1 HTTP/1.1\nHost: api.example.com\nAuthorization: Bearer ${PLACEHOLDER}\n\n`,
      { "authorization": ["Bearer sk-ant-real-key-123"], "x-api-key": ["sk-ant-real-key-123"] },
      "/v1?k=1",
      { authorization: "replaced" },
    ],
    [
      `GET /v1?key=${PLACEHOLDER}&a=b HTTP/1.1\nHost: api.example.com\nX-Other: ${PLACEHOLDER}\n\n`,
      { "authorization": [], "x-api-key": ["sk-ant-real-key-123"], "x-other": [] },
      "/v1?a=b",
      { "x-other": "removed", "?key": "removed" },
    ],
    [
      `GET /v1 HTTP/1.1\nHost: api.example.com\nx-api-key: ${PLACEHOLDER}\n\n`,
      { "authorization": [], "x-api-key": ["sk-ant-real-key-123"] },
      "/v1",
      {},
    ],
  ];
  for (const [text, headers, target, fates] of rows) {
    const routed = routeRequest(head(text), TUNNEL, ROUTES);
    assert.ok(routed.kind === "credential");
    const plan = planRequest(routed, { kind: "ok", resolved: resolved() });
    assert.ok(plan.kind === "forward");
    for (const [name, values] of Object.entries(headers)) {
      assert.deepEqual(getHeaders(plan.head, name), values, `${text}: ${name}`);
    }
    assert.equal(plan.head.target, target);
    assert.deepEqual(
      Object.fromEntries(
        plan.placeholders.map((p) => [p.where === "query" ? `?${p.name}` : p.name, p.fate]),
      ),
      fates,
    );
  }
});

Deno.test("afterResponse() relays raw only after a 101 to a request that asked to upgrade", () => {
  const upgrade = head("GET /ws HTTP/1.1\nHost: a\nUpgrade: websocket\nConnection: Upgrade\n\n");
  const plain = head("GET /ws HTTP/1.1\nHost: a\n\n");
  const rows: [RequestHead, number, "relay" | "http"][] = [
    [upgrade, 101, "relay"],
    [upgrade, 200, "http"],
    [upgrade, 401, "http"],
    [upgrade, 0, "http"],
    [plain, 101, "http"],
  ];
  for (const [h, status, want] of rows) assert.equal(afterResponse(h, status), want, `${status}`);
});

Deno.test("routeRequest() removes the placeholder from a request no route injects", () => {
  const routed = routeRequest(
    head(
      `GET /v2/x?key=${PLACEHOLDER} HTTP/1.1\nHost: api.example.com\nX-Api-Key: ${PLACEHOLDER}\n\n`,
    ),
    TUNNEL,
    ROUTES,
  );
  assert.ok(routed.kind === "pass");
  assert.equal(routed.head.target, "/v2/x");
  assert.deepEqual(getHeaders(routed.head, "x-api-key"), []);
  assert.deepEqual(routed.placeholders.map((p) => `${p.where} ${p.name} ${p.fate}`), [
    "header x-api-key removed",
    "query key removed",
  ]);
});

Deno.test("gateRequest() lets the policy see every reading of the path, and counts the budget", () => {
  const known = new Set(["openai"]);
  const policy = mergePolicies(
    OPEN_POLICY,
    [parseAllowFlag("openai:GET:/v1/models/**", known)],
    [["openai", 2]],
  );
  const rows: [string, number, string][] = [
    ["GET /v1/models/gpt-4o", 0, "allow openai:GET:/v1/models/**"],
    ["GET /v1/models", 1, "allow openai:GET:/v1/models/**"],
    ["GET /v1/models", 2, "429 authsome_budget_exhausted"],
    ["DELETE /v1/models/gpt-4o", 0, "403 authsome_not_allowed"],
    // Each would pass the pattern as sent; the origin reads /v1/files.
    ["GET /v1/models/../files", 0, "403 authsome_not_allowed"],
    ["GET /v1/models/%2e%2e/files", 0, "403 authsome_not_allowed"],
    ["GET /v1/models/..%2Ffiles", 0, "403 authsome_not_allowed"],
    ["GET /v1/models/x%2F..%2F..%2Ffiles", 0, "403 authsome_not_allowed"],
    ["GET /v1/models//../../files", 0, "403 authsome_not_allowed"],
  ];
  const tunnel = { host: "api.openai.com", port: 443 };
  for (const [line, served, expected] of rows) {
    const routed = routeRequest(head(`${line} HTTP/1.1\nHost: api.openai.com\n\n`), tunnel, ROUTES);
    assert.equal(routed.kind, "credential", line);
    if (routed.kind !== "credential") continue;
    const gate = gateRequest(routed, policy, served);
    const got = gate.kind === "allow" ? `allow ${gate.rule}` : `${gate.status} ${gate.code}`;
    assert.equal(got, expected, `${line} #${served}`);
  }
});
