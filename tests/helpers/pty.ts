/**
 * Runs a program on a pseudo-terminal, as a user at a terminal would: each
 * time the output shows a step's `expect` text (after the previous step's), it
 * types the step's `send`. Driven by /usr/bin/python3's `pty` module; without
 * it, `ptyPython` is undefined and the tests that need it skip.
 */

import { client } from "./clients.ts";

/** The Python that drives the terminal, or undefined when missing. */
export const ptyPython: string | undefined = client(
  "/usr/bin/python3",
  "a prompt on a terminal is driven through python3's pty module",
);

/** One exchange: wait for `expect`, then type `send` (`\r` is Enter, `\x03` Ctrl-C). */
export interface PtyStep {
  readonly expect: string;
  readonly send: string;
}

/** What the program printed on the terminal (stdout and stderr together) and its exit code. */
export interface PtyResult {
  readonly code: number;
  readonly output: string;
}

const DRIVER = `
import json, os, pty, select, sys
spec = json.loads(sys.argv[1])
pid, fd = pty.fork()
if pid == 0:
    os.chdir(spec["cwd"])
    os.execve(spec["argv"][0], spec["argv"], spec["env"])
out, pos, steps = b"", 0, spec["steps"]
while True:
    ready, _, _ = select.select([fd], [], [], 30)
    if not ready:
        break
    try:
        data = os.read(fd, 4096)
    except OSError:
        break
    if not data:
        break
    out += data
    while steps:
        at = out.find(steps[0]["expect"].encode(), pos)
        if at < 0:
            break
        pos = at + len(steps[0]["expect"])
        os.write(fd, steps.pop(0)["send"].encode())
_, status = os.waitpid(pid, 0)
print(json.dumps({"code": os.waitstatus_to_exitcode(status), "output": out.decode(errors="replace")}))
`;

/** Runs `argv` on a terminal with `env`, typing `steps`; needs {@linkcode ptyPython}. */
export async function onTerminal(
  argv: readonly string[],
  env: Record<string, string>,
  steps: readonly PtyStep[],
  cwd = Deno.cwd(),
): Promise<PtyResult> {
  const spec = JSON.stringify({ argv, env, steps, cwd });
  const out = await new Deno.Command(ptyPython!, {
    args: ["-c", DRIVER, spec],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  const result = JSON.parse(new TextDecoder().decode(out.stdout)) as PtyResult;
  return { code: result.code, output: result.output.replaceAll("\r\n", "\n") };
}
