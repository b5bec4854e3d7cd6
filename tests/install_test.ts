/**
 * scripts/install.sh against a release served from 127.0.0.1: fake binaries
 * (shell scripts that print a version) and their SHA256SUMS, tampered with,
 * missing, or served with errors. Every failure must leave nothing installed.
 */

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { ROOT } from "./helpers/cli.ts";
import { client } from "./helpers/clients.ts";

const SCRIPT = `${ROOT}scripts/install.sh`;
const unix = Deno.build.os === "linux" || Deno.build.os === "darwin";
const ASSET = `authsome-${Deno.build.arch}-${
  Deno.build.os === "darwin" ? "apple-darwin" : "unknown-linux-gnu"
}`;
const FAKE = '#!/bin/sh\necho "authsome 9.9.9 (fake)"\n';
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** A release: file name to content, or to an HTTP status to answer with. */
type Release = Record<string, string | number>;

function serve(release: Release): Deno.HttpServer<Deno.NetAddr> & { base: string } {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (request) => {
    const file = release[new URL(request.url).pathname.replace(/^\/v9\.9\.9\//, "")];
    if (file === undefined) return new Response("not found", { status: 404 });
    return typeof file === "number" ? new Response("no", { status: file }) : new Response(file);
  });
  return Object.assign(server, { base: `http://127.0.0.1:${server.addr.port}/v9.9.9` });
}

function goodRelease(binary = FAKE): Release {
  return { [ASSET]: binary, SHA256SUMS: `${sha256(binary)}  ${ASSET}\n` };
}

async function tempDir(): Promise<{ path: string } & AsyncDisposable> {
  const path = await Deno.makeTempDir({ prefix: "authsome-install-" });
  return { path, [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }) };
}

/** A folder of links to just these tools, to run the script with or without one. */
async function toolbox(dir: string, names: readonly string[]): Promise<string> {
  const bin = join(dir, "toolbox");
  await Deno.mkdir(bin);
  for (const name of names) {
    for (const folder of (Deno.env.get("PATH") ?? "").split(":")) {
      const path = join(folder, name);
      if (await Deno.stat(path).then((s) => s.isFile, () => false)) {
        await Deno.symlink(path, join(bin, name));
        break;
      }
    }
  }
  return bin;
}

const TOOLS = ["uname", "mktemp", "rm", "awk", "cut", "sha256sum", "shasum", "chmod", "mkdir"]
  .concat(["cp", "mv", "cat"]);

async function install(env: Record<string, string>): Promise<{ code: number; stderr: string }> {
  const result = await new Deno.Command("/bin/sh", {
    args: [SCRIPT],
    env: { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin", ...env },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: result.code, stderr: new TextDecoder().decode(result.stderr) };
}

async function listing(dir: string): Promise<string[]> {
  try {
    return (await Array.fromAsync(Deno.readDir(dir), (e) => e.name)).sort();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
}

Deno.test({
  name: "install.sh installs this platform's binary to ~/.local/bin and says what to add to PATH",
  ignore: !unix,
  async fn() {
    await using tmp = await tempDir();
    await using server = serve(goodRelease());
    const result = await install({ HOME: tmp.path, AUTHSOME_DOWNLOAD_URL: server.base });
    assert.equal(result.code, 0, result.stderr);
    const bin = join(tmp.path, ".local", "bin");
    assert.deepEqual(await listing(bin), ["authsome"]);
    assert.equal(await Deno.readTextFile(join(bin, "authsome")), FAKE);
    assert.equal((await Deno.stat(join(bin, "authsome"))).mode! & 0o777, 0o755);
    assert.match(
      result.stderr,
      /installed authsome 9\.9\.9 \(fake\) to .*\/\.local\/bin\/authsome/,
    );
    assert.ok(result.stderr.includes(`export PATH="${bin}:$PATH"`), result.stderr);
    assert.doesNotMatch(result.stderr, /GITHUB_PATH/);
  },
});

Deno.test({
  name: "install.sh honours AUTHSOME_INSTALL_DIR, replaces an old binary, and knows GitHub's PATH",
  ignore: !unix,
  async fn() {
    await using tmp = await tempDir();
    await using server = serve(goodRelease());
    const dir = join(tmp.path, "tools");
    await Deno.mkdir(dir);
    await Deno.writeTextFile(join(dir, "authsome"), "old");
    const onPath = await install({
      HOME: tmp.path,
      PATH: `${dir}:${Deno.env.get("PATH")}`,
      AUTHSOME_DOWNLOAD_URL: `${server.base}/`,
      AUTHSOME_INSTALL_DIR: dir,
    });
    assert.equal(onPath.code, 0, onPath.stderr);
    assert.equal(await Deno.readTextFile(join(dir, "authsome")), FAKE);
    assert.doesNotMatch(onPath.stderr, /not on your PATH/);
    const github = await install({
      HOME: tmp.path,
      AUTHSOME_DOWNLOAD_URL: server.base,
      AUTHSOME_INSTALL_DIR: dir,
      GITHUB_PATH: join(tmp.path, "github_path"),
    });
    assert.equal(github.code, 0, github.stderr);
    assert.ok(github.stderr.includes(`echo "${dir}" >> "$GITHUB_PATH"`), github.stderr);
    assert.deepEqual(await listing(dir), ["authsome"]);
  },
});

Deno.test({
  name: "install.sh refuses a tampered binary and leaves the installed one untouched",
  ignore: !unix,
  async fn() {
    await using tmp = await tempDir();
    const release = goodRelease();
    release[ASSET] = FAKE.replace("9.9.9", "6.6.6");
    await using server = serve(release);
    const dir = join(tmp.path, "bin");
    await Deno.mkdir(dir);
    await Deno.writeTextFile(join(dir, "authsome"), "old");
    const result = await install({
      HOME: tmp.path,
      AUTHSOME_DOWNLOAD_URL: server.base,
      AUTHSOME_INSTALL_DIR: dir,
    });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /error: checksum mismatch for authsome-.*nothing was installed/);
    assert.deepEqual(await listing(dir), ["authsome"]);
    assert.equal(await Deno.readTextFile(join(dir, "authsome")), "old");
  },
});

Deno.test({
  name: "install.sh stops with a clear message and installs nothing on any failure",
  ignore: !unix,
  async fn() {
    await using tmp = await tempDir();
    const wrongName = { ...goodRelease(), SHA256SUMS: `${sha256(FAKE)}  authsome-other\n` };
    const broken = '#!/bin/sh\necho "cannot execute: required file not found" >&2\nexit 127\n';
    const rows: [string, Release, RegExp][] = [
      ["the binary is missing", { SHA256SUMS: goodRelease().SHA256SUMS }, /cannot download .*/],
      [
        "SHA256SUMS answers 500",
        { ...goodRelease(), SHA256SUMS: 500 },
        /cannot download .*SHA256SUMS/,
      ],
      ["SHA256SUMS does not list it", wrongName, /SHA256SUMS at .* lists no "authsome-/],
      ["the binary does not run here", goodRelease(broken), /does not run on this machine/],
    ];
    for (const [name, release, message] of rows) {
      await using server = serve(release);
      const dir = join(tmp.path, "never");
      const result = await install({
        HOME: tmp.path,
        AUTHSOME_DOWNLOAD_URL: server.base,
        AUTHSOME_INSTALL_DIR: dir,
      });
      assert.equal(result.code, 1, name);
      assert.match(result.stderr, message, name);
      assert.deepEqual(await listing(dir), [], name);
    }
    const closed = await install({
      HOME: tmp.path,
      AUTHSOME_DOWNLOAD_URL: "http://127.0.0.1:9/none",
      AUTHSOME_INSTALL_DIR: join(tmp.path, "never"),
    });
    assert.equal(closed.code, 1);
    assert.match(closed.stderr, /error: cannot download http:\/\/127\.0\.0\.1:9\/none\/authsome-/);
  },
});

Deno.test({
  name: "install.sh names an unsupported operating system or architecture",
  ignore: !unix,
  async fn() {
    await using tmp = await tempDir();
    await using server = serve(goodRelease());
    const rows: [string, string, RegExp][] = [
      ["FreeBSD", "amd64", /unsupported operating system "FreeBSD"/],
      ["MINGW64_NT-10.0", "x86_64", /unsupported operating system .*install\.ps1 on Windows/],
      ["Linux", "riscv64", /unsupported architecture "riscv64"/],
      ["Darwin", "ppc", /unsupported architecture "ppc"/],
    ];
    for (const [os, arch, message] of rows) {
      const fake = join(tmp.path, "uname");
      await Deno.mkdir(fake, { recursive: true });
      await Deno.writeTextFile(
        join(fake, "uname"),
        `#!/bin/sh\n[ "$1" = -s ] && echo "${os}" || echo "${arch}"\n`,
        { mode: 0o755 },
      );
      const result = await install({
        HOME: tmp.path,
        PATH: `${fake}:${Deno.env.get("PATH")}`,
        AUTHSOME_DOWNLOAD_URL: server.base,
      });
      assert.equal(result.code, 1, os);
      assert.match(result.stderr, message, os);
      assert.deepEqual(await listing(join(tmp.path, ".local")), [], os);
    }
  },
});

Deno.test({
  name: "install.sh downloads with wget when curl is missing, and fails clearly with neither",
  ignore: !unix,
  async fn() {
    await using tmp = await tempDir();
    await using server = serve(goodRelease());
    const withWget = await toolbox(tmp.path, [...TOOLS, "wget"]);
    const hasWget = await Deno.stat(join(withWget, "wget")).then(() => true, () => false);
    if (hasWget) {
      const result = await install({
        HOME: tmp.path,
        PATH: withWget,
        AUTHSOME_DOWNLOAD_URL: server.base,
      });
      assert.equal(result.code, 0, result.stderr);
      assert.equal(await Deno.readTextFile(join(tmp.path, ".local/bin/authsome")), FAKE);
    }
    await Deno.remove(join(withWget, "wget")).catch(() => {});
    const neither = await install({
      HOME: join(tmp.path, "other"),
      PATH: withWget,
      AUTHSOME_DOWNLOAD_URL: server.base,
    });
    assert.equal(neither.code, 1);
    assert.match(neither.stderr, /neither curl nor wget is installed/);
    assert.deepEqual(await listing(join(tmp.path, "other")), []);
  },
});

const shellcheck = client("shellcheck", "checks install.sh as POSIX sh");

Deno.test({
  name: "install.sh passes shellcheck as POSIX sh",
  ignore: !shellcheck,
  async fn() {
    const result = await new Deno.Command(shellcheck!, {
      args: ["--shell=sh", SCRIPT],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(result.code, 0, new TextDecoder().decode(result.stdout));
  },
});
