import assert from "node:assert/strict";
import { Secret } from "../secret.ts";
import { credentialsFor, setQueryParam } from "./injection.ts";

const fields = {
  api_key: new Secret("k3y"),
  account_sid: new Secret("AC1"),
  app: new Secret("a99"),
};
const reveal = (creds: ReturnType<typeof credentialsFor>) =>
  creds.map((c) => [c.kind, c.name, c.value.reveal()]);

Deno.test("credentialsFor() builds header, prefix, Basic and query credentials", () => {
  assert.deepEqual(
    reveal(
      credentialsFor(
        [{ type: "header", name: "Authorization", prefix: "Bearer " }],
        fields,
        "api_key",
        "p",
      ),
    ),
    [["header", "Authorization", "Bearer k3y"]],
  );
  assert.deepEqual(
    reveal(
      credentialsFor(
        [{ type: "header", name: "X-Key" }, { type: "header", name: "X-App", field: "app" }],
        fields,
        "api_key",
        "p",
      ),
    ),
    [["header", "X-Key", "k3y"], ["header", "X-App", "a99"]],
  );
  assert.deepEqual(
    reveal(
      credentialsFor(
        [{ type: "basic", username: "{account_sid}", password: "{api_key}" }],
        fields,
        "api_key",
        "p",
      ),
    ),
    [["header", "Authorization", `Basic ${btoa("AC1:k3y")}`]],
  );
  assert.deepEqual(
    reveal(
      credentialsFor(
        [{ type: "basic", username: "{api_key}", password: "" }],
        fields,
        "api_key",
        "p",
      ),
    ),
    [["header", "Authorization", `Basic ${btoa("k3y:")}`]],
  );
  assert.deepEqual(
    reveal(
      credentialsFor(
        [{ type: "basic", username: "api", password: "{api_key}" }],
        fields,
        "api_key",
        "p",
      ),
    ),
    [["header", "Authorization", `Basic ${btoa("api:k3y")}`]],
  );
  assert.deepEqual(
    reveal(credentialsFor([{ type: "query", name: "api_key" }], fields, "api_key", "p")),
    [["query", "api_key", "k3y"]],
  );
});

Deno.test("credentialsFor() says which field a connection lacks", () => {
  assert.throws(
    () => credentialsFor([{ type: "header", name: "X", field: "nope" }], fields, "api_key", "acme"),
    /"acme" has no "nope"/,
  );
});

Deno.test("credentialsFor() encodes non-ASCII Basic credentials as UTF-8", () => {
  const [cred] = credentialsFor(
    [{ type: "basic", username: "ü", password: "{api_key}" }],
    fields,
    "api_key",
    "p",
  );
  assert.equal(cred.value.reveal(), "Basic " + btoa("\xc3\xbc:k3y"));
});

Deno.test("setQueryParam() replaces the parameter and keeps the rest", () => {
  assert.equal(setQueryParam("/search", "api_key", "k"), "/search?api_key=k");
  assert.equal(
    setQueryParam("/search?q=a+b&api_key=placeholder&x=1", "api_key", "k&y"),
    "/search?q=a+b&x=1&api_key=k%26y",
  );
  assert.equal(setQueryParam("/s?api%5Fkey=1", "api_key", "k"), "/s?api_key=k");
  assert.equal(setQueryParam("/s?", "key", "k"), "/s?key=k");
});
