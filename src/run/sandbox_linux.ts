/**
 * The Linux sandbox as bubblewrap arguments, and the D-Bus sockets it
 * hides. Pure: the command line is a value, tested for what it mounts.
 */

/** What the child may and may not see, the same on every platform. */
export interface SandboxPlan {
  /** Folders replaced by an empty, read-only one: `$AUTHSOME_HOME` (vault, key file, providers, cache). */
  readonly hide: readonly string[];
  /** Files and folders inside a hidden folder the child still reads: the run's CA bundle and sitecustomize. */
  readonly expose: readonly string[];
  /** Sockets that lead to the OS keyring: the D-Bus session bus. */
  readonly sockets: readonly string[];
  /** With a network namespace: the proxy's port, reached inside through `socket`. */
  readonly network?: { readonly port: number; readonly socket: string };
  /** Linux: the socket the helper inside takes forwarded signals from. */
  readonly control?: string;
}

/** The name of the hidden subcommand that runs first inside the Linux sandbox. */
export const SANDBOX_INIT = "__sandbox-init";

/** The D-Bus session socket paths named by `DBUS_SESSION_BUS_ADDRESS`, and the default one. */
export function dbusSocketPaths(env: Readonly<Record<string, string | undefined>>): {
  paths: string[];
  abstract: boolean;
} {
  const paths: string[] = [];
  let abstract = false;
  for (const address of (env.DBUS_SESSION_BUS_ADDRESS ?? "").split(";")) {
    if (!address.startsWith("unix:")) continue;
    for (const pair of address.slice("unix:".length).split(",")) {
      const [key, value] = [pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1)];
      if (key === "path") paths.push(value);
      if (key === "abstract") abstract = true;
    }
  }
  if (env.XDG_RUNTIME_DIR) paths.push(`${env.XDG_RUNTIME_DIR}/bus`);
  return { paths: [...new Set(paths)], abstract };
}

/**
 * `bwrap` arguments that run `init` then `argv` under `plan`: their own PID
 * namespace and /proc, the file system as the user has it (`/dev` too, so a
 * terminal keeps its name), each hidden folder an empty read-only tmpfs with
 * the exposed paths bound back read-only, each keyring socket covered by
 * /dev/null, and with `network` no network but loopback. `init` is authsome's
 * own helper: it takes the signals authsome sends down `control` and passes
 * them on, and with `network` bridges 127.0.0.1:PORT inside to the proxy's
 * socket.
 */
export function bwrapArgs(
  plan: SandboxPlan,
  init: readonly string[],
  argv: readonly string[],
): string[] {
  const args = [
    "--die-with-parent",
    "--unshare-pid",
    ...(plan.network ? ["--unshare-net"] : []),
    "--bind",
    "/",
    "/",
    "--dev-bind",
    "/dev",
    "/dev",
    "--proc",
    "/proc",
  ];
  for (const dir of plan.hide) args.push("--tmpfs", dir);
  for (const path of plan.expose) args.push("--ro-bind", path, path);
  for (const dir of plan.hide) args.push("--remount-ro", dir);
  for (const socket of plan.sockets) args.push("--ro-bind", "/dev/null", socket);
  const bridge = plan.network
    ? ["--listen", String(plan.network.port), "--socket", plan.network.socket]
    : [];
  const control = plan.control ? ["--control", plan.control] : [];
  return [...args, "--", ...init, SANDBOX_INIT, ...control, ...bridge, "--", ...argv];
}

/**
 * The wrapper that starts bwrap with SIGINT, SIGTERM, SIGHUP and SIGQUIT
 * ignored: bwrap would die of a terminal's Ctrl-C and take the sandbox down
 * with SIGKILL. The helper inside handles them again, so the child gets them
 * as it would without a sandbox.
 */
export function ignoringSignals(argv: readonly string[]): string[] {
  return ["/bin/sh", "-c", 'trap "" INT TERM HUP QUIT; exec "$@"', "sh", ...argv];
}
