/**
 * Request smuggling (RFC 9112 §11.2) across the three pure pieces: the head
 * parser, body framing and the chunked scanner, driven the way the server
 * drives them. Each row is a known trick; the answer is a reject, or, for
 * valid rows, the exact offset where the next request starts.
 */

import assert from "node:assert/strict";
import { ChunkedScanner } from "./chunked.ts";
import { bodyFraming } from "./framing.ts";
import { parseRequestHead } from "./request_head.ts";

type Outcome = number | `reject ${number}` | "incomplete";

/** Where the first request in `raw` ends, as a relaying server would find it. */
function firstRequest(raw: string): Outcome {
  const input = Uint8Array.from(raw, (c) => c.charCodeAt(0));
  const parsed = parseRequestHead(input);
  if (parsed.kind !== "head") {
    return parsed.kind === "reject" ? `reject ${parsed.status}` : "incomplete";
  }
  const framing = bodyFraming(parsed.head);
  switch (framing.kind) {
    case "none":
      return parsed.length;
    case "length":
      return parsed.length + framing.length <= input.length
        ? parsed.length + framing.length
        : "incomplete";
    case "chunked": {
      const step = new ChunkedScanner().push(input.subarray(parsed.length));
      if (step.kind === "reject") return `reject ${step.status}`;
      return step.done ? parsed.length + step.consumed : "incomplete";
    }
    case "reject":
      return `reject ${framing.status}`;
    case "close":
      throw new Error("a request is never framed by the close");
    default: {
      const never: never = framing;
      return never;
    }
  }
}

const H = "POST / HTTP/1.1\r\nHost: a\r\n";
const NEXT = "GET /admin HTTP/1.1\r\nHost: a\r\n\r\n";

/** "next": the first request ends exactly where NEXT begins. */
const ROWS: [string, string, Outcome | "next"][] = [
  [
    "CL.TE: both fields (RFC 9112 §6.3 (3))",
    `${H}Content-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nX`,
    "reject 400",
  ],
  [
    "TE.CL: both fields (RFC 9112 §6.3 (3))",
    `${H}Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n8\r\nSMUGGLED\r\n0\r\n\r\n`,
    "reject 400",
  ],
  [
    "TE.TE: second TE line x (RFC 9112 §6.3 (4))",
    `${H}Transfer-Encoding: chunked\r\nTransfer-Encoding: x\r\n\r\n0\r\n\r\n`,
    "reject 400",
  ],
  [
    "TE.TE: space before colon (RFC 9112 §5.1)",
    `${H}Transfer-Encoding : chunked\r\n\r\n0\r\n\r\n`,
    "reject 400",
  ],
  [
    "TE.TE: xchunked (RFC 9112 §6.3 (4))",
    `${H}Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n`,
    "reject 400",
  ],
  [
    "TE.TE: chunked, identity (RFC 9112 §6.3 (4))",
    `${H}Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n`,
    "reject 400",
  ],
  [
    "TE.TE: obs-folded value (RFC 9112 §5.2)",
    `${H}Transfer-Encoding:\r\n chunked\r\n\r\n0\r\n\r\n`,
    "reject 400",
  ],
  [
    "TE.TE: vertical tab before chunked (RFC 9110 §5.5)",
    `${H}Transfer-Encoding: \x0bchunked\r\n\r\n0\r\n\r\n`,
    "reject 400",
  ],
  [
    "TE.TE: NUL after chunked (RFC 9110 §5.5)",
    `${H}Transfer-Encoding: chunked\x00\r\n\r\n0\r\n\r\n`,
    "reject 400",
  ],
  [
    "TE.TE: bare LF before TE (RFC 9112 §2.2)",
    `${H}X: 1\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
    "reject 400",
  ],
  [
    "TE.TE: bare CR before TE (RFC 9112 §2.2)",
    `${H}X: 1\rTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
    "reject 400",
  ],
  [
    "TE in HTTP/1.0 (RFC 9112 §6.1)",
    `POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
    "reject 400",
  ],
  [
    "CL.CL: two values (RFC 9112 §6.3 (5))",
    `${H}Content-Length: 1\r\nContent-Length: 2\r\n\r\nXY`,
    "reject 400",
  ],
  ["CL list 1, 2 (RFC 9112 §6.3 (5))", `${H}Content-Length: 1, 2\r\n\r\nXY`, "reject 400"],
  ["CL +5 (RFC 9110 §8.6)", `${H}Content-Length: +5\r\n\r\nhello`, "reject 400"],
  ["CL with NUL (RFC 9110 §5.5)", `${H}Content-Length: 5\x00\r\n\r\nhello`, "reject 400"],
  ["CL space before colon (RFC 9112 §5.1)", `${H}Content-Length : 5\r\n\r\nhello`, "reject 400"],
  ["CL obs-folded (RFC 9112 §5.2)", `${H}Content-Length: 5\r\n 0\r\n\r\nhello`, "reject 400"],
  [
    "chunk size ffffffffffffffffff (RFC 9112 §7.1)",
    `${H}Transfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\nX\r\n0\r\n\r\n`,
    "reject 400",
  ],
  [
    "chunk size with 0x (RFC 9112 §7.1)",
    `${H}Transfer-Encoding: chunked\r\n\r\n0x5\r\nhello\r\n0\r\n\r\n`,
    "reject 400",
  ],
  [
    "chunk size with a bare LF (RFC 9112 §7.1)",
    `${H}Transfer-Encoding: chunked\r\n\r\n5\nhello\r\n0\r\n\r\n`,
    "reject 400",
  ],
  [
    "chunk data overrunning its size (RFC 9112 §7.1)",
    `${H}Transfer-Encoding: chunked\r\n\r\n2\r\nhello\r\n0\r\n\r\n`,
    "reject 400",
  ],
  [
    "chunk size with a space before the extension (valid BWS)",
    `${H}Transfer-Encoding: chunked\r\n\r\n5 ;x=1\r\nhello\r\n0\r\n\r\n${NEXT}`,
    "next",
  ],
  [
    "chunked with HTAB as OWS (valid)",
    `${H}Transfer-Encoding:\tchunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n${NEXT}`,
    "next",
  ],
  [
    "chunked in mixed case (valid)",
    `${H}Transfer-encoding: cHuNkEd\r\n\r\n5\r\nhello\r\n0\r\n\r\n${NEXT}`,
    "next",
  ],
  ["pipelined after Content-Length (valid)", `${H}Content-Length: 5\r\n\r\nhello${NEXT}`, "next"],
  ["pipelined after no body (valid)", `GET / HTTP/1.1\r\nHost: a\r\n\r\n${NEXT}`, "next"],
  [
    "Content-Length waits for its whole body",
    `${H}Content-Length: 50\r\n\r\n${NEXT}`,
    "incomplete",
  ],
];

Deno.test("the proxy's parsing pieces reject request smuggling (RFC 9112 §11.2)", () => {
  for (const [name, raw, expected] of ROWS) {
    const want = expected === "next" ? raw.length - NEXT.length : expected;
    assert.equal(firstRequest(raw), want, name);
  }
});
