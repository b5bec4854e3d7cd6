import assert from "node:assert/strict";
import { widened } from "./user_domains_ca.ts";

Deno.test("widened() keeps the old domains and adds the new needs, nested ones dropped", () => {
  const need = (name: string, kind: "dns" | "ip" = "dns") => ({ provider: "p", kind, name });
  assert.deepEqual(widened(undefined, [need("acme.test")]), { dns: ["acme.test"], ip: [] });
  assert.deepEqual(
    widened({ dns: ["acme.test"], ip: ["10.0.0.1"] }, [need("api.acme.test"), need("b.example")]),
    { dns: ["acme.test", "b.example"], ip: ["10.0.0.1"] },
  );
  assert.deepEqual(widened({ dns: [], ip: [] }, [need("10.0.0.2", "ip")]), {
    dns: [],
    ip: ["10.0.0.2"],
  });
});
