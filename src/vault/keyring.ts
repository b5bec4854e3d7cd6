/**
 * The OS keyring through its command-line tool: macOS `security`, Linux
 * `secret-tool` when a Secret Service answers, and Windows PowerShell's
 * PasswordVault for the Windows Credential Manager (no stock command-line
 * tool reads a credential back).
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

async function exec(
  cmd: string,
  args: string[],
  input?: string,
  env?: Record<string, string>,
): Promise<Result | undefined> {
  try {
    const child = new Deno.Command(cmd, {
      args,
      env,
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

/**
 * The PowerShell that gets, sets or deletes the secret of the account named in
 * `AUTHSOME_KEYRING_ACCOUNT` in the Windows Credential Manager (the WinRT
 * PasswordVault of Windows PowerShell 5.1). A secret to set comes on stdin, so
 * it never appears in a process list.
 */
export function windowsScript(action: "get" | "set" | "delete"): string {
  const prelude = "$ErrorActionPreference = 'Stop'; " +
    "[void][Windows.Security.Credentials.PasswordVault,Windows.Security.Credentials,ContentType=WindowsRuntime]; " +
    "$v = New-Object Windows.Security.Credentials.PasswordVault; $a = $env:AUTHSOME_KEYRING_ACCOUNT; ";
  switch (action) {
    case "get":
      return `${prelude}try { $c = $v.Retrieve('${SERVICE}', $a); $c.RetrievePassword(); [Console]::Out.Write($c.Password) } catch { exit 1 }`;
    case "set":
      return `${prelude}$s = [Console]::In.ReadToEnd().Trim(); ` +
        `try { $v.Remove($v.Retrieve('${SERVICE}', $a)) } catch {}; ` +
        `$v.Add((New-Object Windows.Security.Credentials.PasswordCredential('${SERVICE}', $a, $s)))`;
    case "delete":
      return `${prelude}try { $v.Remove($v.Retrieve('${SERVICE}', $a)) } catch {}`;
    default: {
      const never: never = action;
      return never;
    }
  }
}

/** Runs one Windows PowerShell action; the account rides in the environment (added to the inherited one). */
function powershell(action: "get" | "set" | "delete", account: string, input?: string) {
  return exec(
    "powershell.exe",
    ["-NoProfile", "-NonInteractive", "-Command", windowsScript(action)],
    input,
    { AUTHSOME_KEYRING_ACCOUNT: account },
  );
}

/**
 * The Windows Credential Manager through Windows PowerShell. It counts as
 * available only after a probe secret was stored, read back and removed, so
 * a machine where any step fails keeps its key in the key file instead.
 */
export const windowsVault: Keyring = {
  name: "Windows Credential Manager",
  async available() {
    const account = `probe-${crypto.randomUUID()}`;
    const secret = crypto.randomUUID();
    if ((await powershell("set", account, secret))?.code !== 0) return false;
    const read = await powershell("get", account);
    await powershell("delete", account);
    return read?.code === 0 && read.stdout === secret;
  },
  async get(account) {
    const result = await powershell("get", account);
    return result?.code === 0 ? result.stdout.trim() : undefined;
  },
  async set(account, secret) {
    const result = await powershell("set", account, secret);
    if (result?.code !== 0) {
      throw new Error(`storing in the Credential Manager failed: ${result?.stderr.trim()}`);
    }
  },
  async delete(account) {
    await powershell("delete", account);
  },
};

/** The keyring of this OS, or undefined where none is supported or `AUTHSOME_KEYRING=none`. */
export function platformKeyring(
  env: Readonly<Record<string, string | undefined>>,
): Keyring | undefined {
  if (env.AUTHSOME_KEYRING === "none") return undefined;
  if (Deno.build.os === "darwin") return macKeychain;
  if (Deno.build.os === "linux") return secretTool;
  if (Deno.build.os === "windows") return windowsVault;
  return undefined;
}
