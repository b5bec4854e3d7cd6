/**
 * Makes authsome's own process unreadable to other programs of the same
 * user before `run` starts the child: on Linux `prctl(PR_SET_DUMPABLE, 0)`
 * (then `/proc/<pid>/environ`, `/proc/<pid>/mem` and ptrace are refused),
 * on macOS `ptrace(PT_DENY_ATTACH)` (no debugger may attach). The call is a
 * plan, a value, so each platform's shape is tested anywhere; one executor
 * makes the call through Deno's FFI.
 */

/**
 * Where libc lives on the Linux distributions and macOS releases authsome
 * ships for. The compiled binary may load these files and no other
 * (scripts/compile.ts scopes `--allow-ffi` to this list).
 */
export const LIBC_PATHS: readonly string[] = [
  "/lib/x86_64-linux-gnu/libc.so.6",
  "/usr/lib/x86_64-linux-gnu/libc.so.6",
  "/lib/aarch64-linux-gnu/libc.so.6",
  "/usr/lib/aarch64-linux-gnu/libc.so.6",
  "/lib64/libc.so.6",
  "/usr/lib64/libc.so.6",
  "/usr/lib/libc.so.6",
  "/usr/lib/libSystem.B.dylib",
];

/** `prctl` option that sets the dumpable flag. */
export const PR_SET_DUMPABLE = 4;
/** `ptrace` request that forbids any later attach (macOS). */
export const PT_DENY_ATTACH = 31;

/** One libc call that protects the process, or why there is none here. */
export type ProtectionPlan =
  | {
    readonly kind: "call";
    /** What the protection is called in messages. */
    readonly name: string;
    /** Candidate libraries, first one that exists is used. */
    readonly libraries: readonly string[];
    readonly symbol: string;
    readonly parameters: readonly ("i32" | "i64")[];
    readonly args: readonly (number | bigint)[];
  }
  | { readonly kind: "none"; readonly reason: string };

/** The call that protects authsome's process on `os`. Pure. */
export function protectionPlan(os: typeof Deno.build.os): ProtectionPlan {
  switch (os) {
    case "linux":
      return {
        kind: "call",
        name: "non-dumpable (prctl PR_SET_DUMPABLE 0)",
        libraries: LIBC_PATHS.filter((path) => path.endsWith(".so.6")),
        symbol: "prctl",
        parameters: ["i32", "i64", "i64", "i64", "i64"],
        args: [PR_SET_DUMPABLE, 0n, 0n, 0n, 0n],
      };
    case "darwin":
      return {
        kind: "call",
        name: "debugger attach denied (ptrace PT_DENY_ATTACH)",
        libraries: LIBC_PATHS.filter((path) => path.endsWith(".dylib")),
        symbol: "ptrace",
        parameters: ["i32", "i32", "i64", "i32"],
        args: [PT_DENY_ATTACH, 0, 0n, 0],
      };
    default:
      return { kind: "none", reason: `no such protection is implemented on ${os}` };
  }
}

/** What applying a plan did. */
export type ProtectionResult =
  | { readonly kind: "applied"; readonly name: string }
  | { readonly kind: "unavailable"; readonly reason: string };

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    // macOS keeps libSystem in the dyld shared cache only: dlopen finds it anyway.
    return path.endsWith(".dylib");
  }
}

/** Applies `plan` to this process; never throws. */
export function applyProtection(plan: ProtectionPlan): ProtectionResult {
  if (plan.kind === "none") return { kind: "unavailable", reason: plan.reason };
  const library = plan.libraries.find(exists);
  if (!library) {
    return { kind: "unavailable", reason: `libc is not at any of ${plan.libraries.join(", ")}` };
  }
  try {
    const lib = Deno.dlopen(
      library,
      {
        call: { name: plan.symbol, parameters: [...plan.parameters], result: "i32" },
      } as const,
    );
    try {
      const call = lib.symbols.call as (...args: (number | bigint)[]) => number;
      const status = call(...plan.args);
      if (status !== 0) return { kind: "unavailable", reason: `${plan.symbol} returned ${status}` };
    } finally {
      lib.close();
    }
  } catch (error) {
    return { kind: "unavailable", reason: (error as Error).message };
  }
  return { kind: "applied", name: plan.name };
}
