import assert from "node:assert/strict";
import { unsafePath } from "./private_path.ts";

Deno.test("unsafePath() refuses another owner or group/other write, naming the fix", () => {
  const rows: [string, number | null, number | null, RegExp | undefined][] = [
    ["private folder", 0o40700, 1000, undefined],
    ["readable by all", 0o100644, 1000, undefined],
    ["group-writable", 0o40770, 1000, /chmod go-w "\/h"/],
    ["world-writable", 0o100666, 1000, /chmod go-w "\/h"/],
    ["another owner", 0o40700, 0, /chown 1000 "\/h"/],
    ["no mode (Windows)", null, null, undefined],
  ];
  for (const [what, mode, uid, fix] of rows) {
    const problem = unsafePath("/h", { mode, uid }, 1000);
    if (fix === undefined) assert.equal(problem, undefined, what);
    else {
      assert.equal(problem?.code, "vault", what);
      assert.match(problem?.hint ?? "", fix, what);
    }
  }
});
