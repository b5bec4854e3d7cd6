import assert from "node:assert/strict";
import { childrenOf, contentOf, encodeTlv, readTlv } from "./der.ts";

Deno.test("encodeTlv() uses short and long lengths, and readTlv() reads them back (X.690 §8.1.3)", () => {
  for (const size of [0, 1, 127, 128, 255, 256, 70_000]) {
    const der = encodeTlv(0x04, new Uint8Array(size).fill(7));
    const tlv = readTlv(der, 0);
    assert.equal(tlv.tag, 0x04);
    assert.equal(tlv.end, der.length);
    assert.equal(contentOf(der, tlv).length, size);
    assert.equal(der.length - size, size < 128 ? 2 : size < 256 ? 3 : size < 65536 ? 4 : 5);
  }
});

Deno.test("childrenOf() walks a SEQUENCE; readTlv() refuses truncated or indefinite DER", () => {
  const seq = encodeTlv(
    0x30,
    encodeTlv(0x02, Uint8Array.of(1)),
    encodeTlv(0x82, Uint8Array.of(65)),
  );
  assert.deepEqual(childrenOf(seq, readTlv(seq, 0)).map((c) => c.tag), [0x02, 0x82]);
  assert.throws(() => readTlv(seq.subarray(0, seq.length - 1), 0), /truncated/);
  assert.throws(() => readTlv(Uint8Array.of(0x30), 0), /truncated/);
  assert.throws(() => readTlv(Uint8Array.of(0x30, 0x80, 0, 0), 0), /unsupported/);
});
