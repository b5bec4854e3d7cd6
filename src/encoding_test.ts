import assert from "node:assert/strict";
import {
  decodeBase64,
  encodeBase64,
  encodeBase64Text,
  encodeBase64Url,
  encodeHex,
  randomHex,
} from "./encoding.ts";

Deno.test("encodeBase64() and decodeBase64() follow RFC 4648's test vectors", () => {
  const vectors: [string, string][] = [
    ["", ""],
    ["f", "Zg=="],
    ["fo", "Zm8="],
    ["foo", "Zm9v"],
    ["foob", "Zm9vYg=="],
    ["fooba", "Zm9vYmE="],
    ["foobar", "Zm9vYmFy"],
  ];
  for (const [plain, encoded] of vectors) {
    const bytes = new TextEncoder().encode(plain);
    assert.equal(encodeBase64(bytes), encoded);
    assert.deepEqual(decodeBase64(encoded), bytes);
  }
  assert.throws(() => decodeBase64("Zm9v!"), SyntaxError);
});

Deno.test("encodeBase64Text() encodes UTF-8, so any password works in Basic credentials", () => {
  assert.equal(encodeBase64Text("user:pässwörd"), "dXNlcjpww6Rzc3fDtnJk");
  assert.equal(encodeBase64Text("u:密码🔑"), "dTrlr4bnoIHwn5SR");
});

Deno.test("encodeBase64Url() has no padding and the URL alphabet; encodeHex() is lower case", () => {
  const bytes = new Uint8Array([0xfb, 0xff, 0xbf, 0x01]);
  assert.equal(encodeBase64(bytes), "+/+/AQ==");
  assert.equal(encodeBase64Url(bytes), "-_-_AQ");
  assert.equal(encodeHex(bytes), "fbffbf01");
  assert.match(randomHex(16), /^[0-9a-f]{32}$/);
});
