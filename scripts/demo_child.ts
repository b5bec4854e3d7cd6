// deno-lint-ignore-file no-console
/**
 * The demo's "agent": it shows what its environment holds, then calls the
 * fake API with the key it was given, the placeholder, as any SDK would,
 * and prints the API's echo, in which the proxy masked the real key.
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
console.log(`  the child sent:    Authorization: Bearer ${key}`);
console.log(
  `  the API's echo:    Authorization: ${seen.headers.authorization}   (HTTP ${response.status}; masked on the way back)`,
);
