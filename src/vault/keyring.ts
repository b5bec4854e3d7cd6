/**
 * The OS keyring through its command-line tool: macOS `security`, Linux
 * `secret-tool` when a Secret Service answers. Windows Credential Manager has
 * no stock command-line reader, so Windows falls back to the key file.
 */

/** A place to keep one secret per account. */
export interface Keyring {
  /** A short name for messages, such as "macOS Keychain". */
  readonly name: string;
  available(): Promise<boolean>;
  get(account: string): Promise<string | undefined>;
  set(account: string, secret: string): Promise<void>;
  delete(account: string): Promise<void>;
}

const SERVICE = "authsome";

interface Result {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function exec(cmd: string, args: string[], input?: string): Promise<Result | undefined> {
  try {
    const child = new Deno.Command(cmd, {
      args,
      stdin: input === undefined ? "null" : "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    if (input !== undefined) {
      const writer = child.stdin.getWriter();
      await writer.write(new TextEncoder().encode(input));
      await writer.close();
    }
    const timer = setTimeout(() => child.kill(), 5_000);
    const output = await child.output();
    clearTimeout(timer);
    const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
    return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
  } catch {
    return undefined;
  }
}

/** Linux Secret Service through `secret-tool` (libsecret). */
export const secretTool: Keyring = {
  name: "Secret Service",
  async available() {
    const probe = await exec("secret-tool", ["lookup", "service", SERVICE, "account", "probe"]);
    return probe !== undefined &&
      (probe.code === 0 || (probe.code === 1 && probe.stderr.trim() === ""));
  },
  async get(account) {
    const result = await exec("secret-tool", ["lookup", "service", SERVICE, "account", account]);
    return result?.code === 0 ? result.stdout.trim() : undefined;
  },
  async set(account, secret) {
    const label = `authsome vault key (${account})`;
    const result = await exec("secret-tool", [
      "store",
      "--label",
      label,
      "service",
      SERVICE,
      "account",
      account,
    ], secret);
    if (result?.code !== 0) {
      throw new Error(`secret-tool store failed: ${result?.stderr.trim() ?? "not found"}`);
    }
  },
  async delete(account) {
    await exec("secret-tool", ["clear", "service", SERVICE, "account", account]);
  },
};

/** The macOS login keychain through `security`. */
export const macKeychain: Keyring = {
  name: "macOS Keychain",
  async available() {
    return (await exec("security", ["list-keychains"]))?.code === 0;
  },
  async get(account) {
    const result = await exec("security", [
      "find-generic-password",
      "-s",
      SERVICE,
      "-a",
      account,
      "-w",
    ]);
    return result?.code === 0 ? result.stdout.trim() : undefined;
  },
  async set(account, secret) {
    // Interactive mode reads the command from stdin, so the key never appears in a process list.
    const command = `add-generic-password -U -s ${SERVICE} -a "${
      account.replaceAll('"', "")
    }" -w ${secret}\n`;
    const result = await exec("security", ["-i"], command);
    if (result?.code !== 0) {
      throw new Error(`security add-generic-password failed: ${result?.stderr.trim()}`);
    }
  },
  async delete(account) {
    await exec("security", ["delete-generic-password", "-s", SERVICE, "-a", account]);
  },
};

/** The keyring of this OS, or undefined where none is supported or `AUTHSOME_KEYRING=none`. */
export function platformKeyring(
  env: Readonly<Record<string, string | undefined>>,
): Keyring | undefined {
  if (env.AUTHSOME_KEYRING === "none") return undefined;
  if (Deno.build.os === "darwin") return macKeychain;
  if (Deno.build.os === "linux") return secretTool;
  return undefined;
}
