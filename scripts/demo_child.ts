// deno-lint-ignore-file no-console
/**
 * The demo's "agent": it shows what its environment holds, then calls the
 * fake API with the key it was given, the placeholder, as any SDK would.
 */

const key = Deno.env.get("DEMO_API_KEY") ?? "";
const proxy = Deno.env.get("HTTPS_PROXY") ?? "";
console.log("  the child's environment:");
console.log(`    DEMO_API_KEY=${key}`);
console.log(`    HTTPS_PROXY=${proxy.replace(/:[0-9a-f]{32}@/, ":<per-run token>@")}`);
console.log(`    SSL_CERT_FILE=${Deno.env.get("SSL_CERT_FILE")}`);
const response = await fetch("https://api.demo.test/v1/hello", {
  headers: { authorization: `Bearer ${key}` },
});
const seen = await response.json();
const received = String(seen.headers.authorization ?? "");
const masked = received.replace(/(Bearer .{6}).*(.{4})$/, "$1…$2");
console.log(`  the child sent:    Authorization: Bearer ${key}`);
console.log(`  the API received:  Authorization: ${masked}   (HTTP ${response.status})`);
