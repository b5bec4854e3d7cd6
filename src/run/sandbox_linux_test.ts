import assert from "node:assert/strict";
import { bwrapArgs, dbusSocketPaths, ignoringSignals, SANDBOX_INIT } from "./sandbox_linux.ts";

const plan = {
  hide: ["/home/u/.authsome"],
  expose: ["/home/u/.authsome/runs/r1", "/home/u/.authsome/ca/ca.pem"],
  sockets: ["/run/user/1000/bus"],
};

/** The value after each occurrence of `flag` (one argument, or two with `pair`). */
function after(args: string[], flag: string, pair = false): string[][] {
  return args.flatMap((a, i) =>
    a === flag ? [pair ? [args[i + 1], args[i + 2]] : [args[i + 1]]] : []
  );
}

Deno.test("bwrapArgs(): own PID namespace and /proc, the fs as the user has it, no network namespace", () => {
  const args = bwrapArgs(plan, ["/usr/bin/authsome"], ["node", "agent.js"]);
  const options = args.slice(0, args.indexOf("--"));
  assert.ok(options.includes("--unshare-pid"));
  assert.ok(options.includes("--die-with-parent"));
  assert.ok(!options.includes("--unshare-net"));
  assert.ok(!options.includes("--unshare-all"));
  assert.deepEqual(after(options, "--bind", true), [["/", "/"]]);
  assert.deepEqual(after(options, "--dev-bind", true), [["/dev", "/dev"]]);
  assert.deepEqual(after(options, "--proc"), [["/proc"]]);
  assert.deepEqual(args.slice(args.indexOf("--")), [
    "--",
    "/usr/bin/authsome",
    SANDBOX_INIT,
    "--",
    "node",
    "agent.js",
  ]);
});

Deno.test("bwrapArgs(): the home is an empty tmpfs, remounted read-only after the run's files are bound back", () => {
  const args = bwrapArgs(plan, ["authsome"], ["true"]);
  const at = (flag: string, value: string) =>
    args.findIndex((a, i) => a === flag && args[i + 1] === value);
  const tmpfs = at("--tmpfs", "/home/u/.authsome");
  const ro = at("--remount-ro", "/home/u/.authsome");
  assert.ok(tmpfs > args.indexOf("--bind"), "the tmpfs covers the bound home");
  for (const path of plan.expose) {
    const bound = args.findIndex((a, i) => a === "--ro-bind" && args[i + 1] === path);
    assert.equal(args[bound + 2], path, "bound at the same path");
    assert.ok(tmpfs < bound && bound < ro, `${path} is bound between the tmpfs and the remount`);
  }
  assert.deepEqual(after(args, "--ro-bind", true).at(-1), ["/dev/null", "/run/user/1000/bus"]);
});

Deno.test("bwrapArgs(): network adds a network namespace and the helper's bridge", () => {
  const args = bwrapArgs(
    { ...plan, network: { port: 4242, socket: "/home/u/.authsome/runs/r1/proxy.sock" } },
    ["authsome"],
    ["curl", "x"],
  );
  assert.ok(args.slice(0, args.indexOf("--")).includes("--unshare-net"));
  assert.deepEqual(args.slice(args.indexOf(SANDBOX_INIT)), [
    SANDBOX_INIT,
    "--listen",
    "4242",
    "--socket",
    "/home/u/.authsome/runs/r1/proxy.sock",
    "--",
    "curl",
    "x",
  ]);
});

Deno.test("bwrapArgs(): the helper is told where authsome's signals come from", () => {
  const args = bwrapArgs({ ...plan, control: "/h/runs/r1/control.sock" }, ["authsome"], ["x"]);
  assert.deepEqual(args.slice(args.indexOf(SANDBOX_INIT)), [
    SANDBOX_INIT,
    "--control",
    "/h/runs/r1/control.sock",
    "--",
    "x",
  ]);
});

Deno.test("dbusSocketPaths(): unix:path addresses, the runtime dir's bus, abstract ones flagged", () => {
  assert.deepEqual(dbusSocketPaths({}), { paths: [], abstract: false });
  assert.deepEqual(
    dbusSocketPaths({
      DBUS_SESSION_BUS_ADDRESS: "unix:path=/run/user/1000/bus,guid=abc;unix:path=/tmp/other",
      XDG_RUNTIME_DIR: "/run/user/1000",
    }),
    { paths: ["/run/user/1000/bus", "/tmp/other"], abstract: false },
  );
  assert.deepEqual(
    dbusSocketPaths({ DBUS_SESSION_BUS_ADDRESS: "unix:abstract=/tmp/dbus-x,guid=1" }),
    { paths: [], abstract: true },
  );
  assert.deepEqual(dbusSocketPaths({ DBUS_SESSION_BUS_ADDRESS: "tcp:host=localhost,port=1" }), {
    paths: [],
    abstract: false,
  });
});

Deno.test("ignoringSignals(): sh ignores the terminal's signals, then becomes bwrap", () => {
  assert.deepEqual(ignoringSignals(["/usr/bin/bwrap", "--", "x y"]), [
    "/bin/sh",
    "-c",
    'trap "" INT TERM HUP QUIT; exec "$@"',
    "sh",
    "/usr/bin/bwrap",
    "--",
    "x y",
  ]);
});
