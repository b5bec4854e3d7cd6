/**
 * A grammar-based fuzzer for the request-head parser and body framing:
 * valid requests mutated (bytes flipped, inserted, deleted; headers
 * duplicated, re-cased, padded; framing headers mixed) plus random bytes.
 * Checks that the parser never throws, returns quickly, and that whatever it
 * accepts has one meaning: serialized again it parses to the same head and
 * the same framing. Used by tests (a few thousand cases) and `deno task stress`.
 */

import { bodyFraming } from "../src/proxy/framing.ts";
import { serializeHead } from "../src/proxy/head_edit.ts";
import { parseRequestHead } from "../src/proxy/request_head.ts";

const BASES = [
  "GET /v1/models HTTP/1.1\r\nHost: api.openai.com\r\nAccept: */*\r\n\r\n",
  "POST /v1/chat HTTP/1.1\r\nHost: api.openai.com\r\nContent-Length: 5\r\nContent-Type: application/json\r\n\r\n",
  "POST /up HTTP/1.1\r\nHost: api.openai.com\r\nTransfer-Encoding: chunked\r\n\r\n",
  "CONNECT api.openai.com:443 HTTP/1.1\r\nHost: api.openai.com:443\r\nProxy-Authorization: Basic YTpi\r\n\r\n",
  "GET http://example.com/x?y=1 HTTP/1.1\r\nHost: example.com\r\nConnection: keep-alive\r\n\r\n",
];
const FRAGMENTS = [
  "Transfer-Encoding: chunked\r\n",
  "Transfer-Encoding: identity\r\n",
  "Transfer-Encoding : chunked\r\n",
  "Transfer-Encoding:\tchunked\r\n",
  "Content-Length: 0\r\n",
  "Content-Length: 10\r\n",
  "Content-Length: -1\r\n",
  "Content-Length: 1, 1\r\n",
  " folded\r\n",
  "X-Nul: a\0b\r\n",
  "Host: evil.example\r\n",
  "\n",
  "\r",
  ":\r\n",
];

/** A small deterministic PRNG (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mutate(text: string, next: () => number): string {
  let out = text;
  const rounds = 1 + Math.floor(next() * 4);
  for (let i = 0; i < rounds; i++) {
    const at = Math.floor(next() * (out.length + 1));
    switch (Math.floor(next() * 7)) {
      case 0:
        out = out.slice(0, at) + String.fromCharCode(Math.floor(next() * 256)) + out.slice(at + 1);
        break;
      case 1:
        out = out.slice(0, at) + String.fromCharCode(Math.floor(next() * 256)) + out.slice(at);
        break;
      case 2:
        out = out.slice(0, at) + out.slice(at + 1 + Math.floor(next() * 4));
        break;
      case 3: {
        const line = out.indexOf("\r\n", at);
        const fragment = FRAGMENTS[Math.floor(next() * FRAGMENTS.length)];
        out = line === -1 ? out : out.slice(0, line + 2) + fragment + out.slice(line + 2);
        break;
      }
      case 4:
        out = out.slice(0, at) +
          (next() < 0.5 ? out.slice(at).toUpperCase() : out.slice(at).toLowerCase());
        break;
      case 5:
        out = out.slice(0, at) + " \t".repeat(1 + Math.floor(next() * 3)) + out.slice(at);
        break;
      default: {
        const lines = out.split("\r\n");
        const pick = 1 + Math.floor(next() * Math.max(1, lines.length - 2));
        lines.splice(pick, 0, lines[pick] ?? "");
        out = lines.join("\r\n");
      }
    }
  }
  return out;
}

/** What a fuzz run found. */
export interface FuzzReport {
  readonly cases: number;
  readonly accepted: number;
  readonly rejected: number;
  readonly incomplete: number;
  /** Cases that broke an invariant: a throw, a slow parse, or two meanings. */
  readonly failures: readonly string[];
  readonly slowestMs: number;
}

function latin1(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);
}

/** Runs `cases` fuzz cases from `seed`. */
export function fuzzHeads(cases: number, seed = 1): FuzzReport {
  const next = random(seed);
  const failures: string[] = [];
  let accepted = 0, rejected = 0, incomplete = 0, slowestMs = 0;
  for (let i = 0; i < cases; i++) {
    const input = next() < 0.1
      ? crypto.getRandomValues(new Uint8Array(Math.floor(next() * 512)))
      : latin1(mutate(BASES[Math.floor(next() * BASES.length)], next));
    const started = performance.now();
    try {
      const parsed = parseRequestHead(input);
      if (parsed.kind === "reject") rejected++;
      else if (parsed.kind === "incomplete") incomplete++;
      else {
        accepted++;
        const framing = bodyFraming(parsed.head);
        const again = parseRequestHead(serializeHead(parsed.head));
        if (again.kind !== "head" || JSON.stringify(again.head) !== JSON.stringify(parsed.head)) {
          failures.push(`case ${i}: the accepted head does not parse to itself`);
        } else if (JSON.stringify(bodyFraming(again.head)) !== JSON.stringify(framing)) {
          failures.push(`case ${i}: the framing changed on a second parse`);
        }
        for (const [name, value] of parsed.head.headers) {
          if (/[\r\n\0]/.test(name + value)) {
            failures.push(`case ${i}: a CR, LF or NUL survived in a header`);
          }
        }
      }
    } catch (error) {
      failures.push(`case ${i}: threw ${(error as Error).message}`);
    }
    const elapsed = performance.now() - started;
    slowestMs = Math.max(slowestMs, elapsed);
    if (elapsed > 200) failures.push(`case ${i}: took ${elapsed.toFixed(1)} ms`);
  }
  return { cases, accepted, rejected, incomplete, failures, slowestMs };
}
