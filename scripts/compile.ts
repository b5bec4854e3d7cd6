// deno-lint-ignore-file no-console
/**
 * `deno task compile [--target TARGET]... [--out-dir DIR]`: builds `dist/authsome-<target>`
 * (`.exe` on Windows) with `deno compile` for every target, or the ones named,
 * then writes `dist/SHA256SUMS` for the binaries it built, in the format of
 * `sha256sum`.
 *
 * `deno compile` downloads the runtime (denort) of each target. Offline, point
 * DENORT_BIN at a denort binary: it serves one target, so name that target.
 */

import { createHash } from "node:crypto";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { LIBC_PATHS } from "../src/run/protect.ts";

/** Every target a release ships, as `deno compile --target` names them. */
export const TARGETS = [
  "x86_64-unknown-linux-gnu",
  "aarch64-unknown-linux-gnu",
  "x86_64-apple-darwin",
  "aarch64-apple-darwin",
  "x86_64-pc-windows-msvc",
] as const;

/** A target a release ships. */
export type Target = typeof TARGETS[number];

/**
 * The permissions compiled into the binary, and why each is needed. Tests run
 * main.ts with exactly these (tests/helpers/cli.ts), so a missing one fails there.
 */
export const PERMISSIONS: readonly string[] = [
  // AUTHSOME_HOME (chosen at run time), the system CA roots, the user's provider
  // files, and files named on the command line (--upstream-ca, providers validate).
  "--allow-read",
  // AUTHSOME_HOME (vault, CA, cache, audit log, per-run folders) and trust stores.
  "--allow-write",
  // AUTHSOME_* and HOME, the proxy variables, and the whole environment that
  // `run` hands on to the child.
  "--allow-env",
  // `run` starts whatever command the user names, so this cannot be narrowed;
  // also the keyring tools, the trust-store tools and `node --version`.
  "--allow-run",
  // The proxy and the OAuth callback listen on 127.0.0.1; the proxy connects to
  // whatever host the child reaches, and login to the provider's endpoints.
  "--allow-net",
  // libc alone, for the one call that makes `run`'s process unreadable to the
  // user's other programs (src/run/protect.ts): prctl on Linux, ptrace on macOS.
  `--allow-ffi=${LIBC_PATHS.join(",")}`,
  // The user and host name in the local CA's name (node:os userInfo reads uid and gid).
  "--allow-sys=hostname,uid,gid,userInfo",
  // Refuse anything else rather than prompt: a CI runner has no one to answer.
  "--no-prompt",
];

/**
 * V8 settings baked into the binary. A 2 MiB young generation keeps the
 * proxy's peak RSS at 64 busy connections near 124 MB instead of 170 MB, at
 * no cost in throughput (scripts/bench.ts, 2026-11-24).
 */
export const RUNTIME_FLAGS: readonly string[] = ["--v8-flags=--max-semi-space-size=2"];

/**
 * How `deno run` of a checkout loads modules: each dynamic `import()` on first
 * use, as the compiled binary does, instead of building the graph of every
 * command before the first line runs (`--version` +9 ms over an empty program
 * instead of +26 ms, 2026-12-03).
 */
const CHECKOUT_RUN_FLAGS: readonly string[] = ["--unstable-lazy-dynamic-imports"];

/**
 * The `deno` arguments that run `entry` (main.ts by default) of the checkout
 * at `root` as the compiled binary would run: its permissions, its V8
 * settings, modules loaded on first use. The `deno task install` launcher,
 * the tests and both benchmarks start authsome this way.
 */
export function checkoutRunArgs(root: string, entry: string = join(root, "main.ts")): string[] {
  return [
    "run",
    ...PERMISSIONS,
    ...RUNTIME_FLAGS,
    ...CHECKOUT_RUN_FLAGS,
    "--quiet",
    "--config",
    join(root, "deno.json"),
    entry,
  ];
}

/** The file name a target's binary is published under. */
export function assetName(target: Target): string {
  return `authsome-${target}${target.includes("windows") ? ".exe" : ""}`;
}

/** The `deno` arguments that build `target` from `entry` into `outDir`. */
export function compileArgs(target: Target, entry: string, outDir: string): string[] {
  return [
    "compile",
    "--target",
    target,
    "--output",
    join(outDir, assetName(target)),
    // The lockfile pins every npm package; a release never resolves a new one.
    "--frozen-lockfile",
    // Embed only the npm packages main.ts reaches (zod, node-forge), not test-only
    // ones; the commands' literal `import()`s are part of the graph and embedded.
    "--exclude-unused-npm",
    ...PERMISSIONS,
    ...RUNTIME_FLAGS,
    entry,
  ];
}

/** The targets to build for `requested`, or why not. */
export function chooseTargets(
  requested: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): { ok: true; targets: Target[] } | { ok: false; message: string } {
  const unknown = requested.filter((name) => !(TARGETS as readonly string[]).includes(name));
  if (unknown.length > 0) {
    return {
      ok: false,
      message: `Unknown target "${unknown[0]}"; known targets: ${TARGETS.join(", ")}`,
    };
  }
  const targets = requested.length > 0 ? [...new Set(requested)] as Target[] : [...TARGETS];
  if (env.DENORT_BIN && targets.length !== 1) {
    return {
      ok: false,
      message: "DENORT_BIN is the runtime of one target: name it with --target TARGET",
    };
  }
  return { ok: true, targets };
}

/** SHA256SUMS text: `<hex>  <file name>` a line, as `sha256sum` writes and `-c` reads. */
export function checksumsText(sums: readonly { file: string; sha256: string }[]): string {
  return sums.map(({ file, sha256 }) => `${sha256}  ${basename(file)}\n`).join("");
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  using file = await Deno.open(path);
  for await (const chunk of file.readable) hash.update(chunk);
  return hash.digest("hex");
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: Deno.args,
    options: { target: { type: "string", multiple: true }, "out-dir": { type: "string" } },
  });
  const chosen = chooseTargets(values.target ?? [], Deno.env.toObject());
  if (!chosen.ok) {
    console.error(`compile: ${chosen.message}`);
    return 2;
  }
  const root = fileURLToPath(new URL("../", import.meta.url));
  const outDir = values["out-dir"] ?? join(root, "dist");
  await Deno.mkdir(outDir, { recursive: true });
  const sums = [];
  for (const target of chosen.targets) {
    const args = compileArgs(target, join(root, "main.ts"), outDir);
    console.error(`compile: deno ${args.join(" ")}`);
    const { code } = await new Deno.Command(Deno.execPath(), { args, cwd: root }).spawn().status;
    if (code !== 0) {
      console.error(`compile: building ${target} failed (exit ${code})`);
      return 1;
    }
    const file = join(outDir, assetName(target));
    sums.push({ file, sha256: await sha256File(file) });
  }
  await Deno.writeTextFile(join(outDir, "SHA256SUMS"), checksumsText(sums));
  console.error(`compile: wrote ${sums.length} binaries and SHA256SUMS to ${outDir}`);
  return 0;
}

if (import.meta.main) Deno.exit(await main());
