import assert from "node:assert/strict";
import { authsome, type CliResult, ROOT, tempHome } from "./helpers/cli.ts";
import { client } from "./helpers/clients.ts";
import { startGitOrigin } from "./helpers/git_origin.ts";

const git = client("git", "git over HTTPS through the proxy");
const curl = client("curl", "a plain page on github.com");

const TOKEN = "gho_canaryGitHttp0123456789abcdefABCDEF";
const BASIC = `Basic ${btoa(`x-access-token:${TOKEN}`)}`;

/** Runs `cmd` in `cwd` with git's identity set, failing on a non-zero exit. */
async function sh(cmd: string, args: string[], cwd: string): Promise<string> {
  const out = await new Deno.Command(cmd, {
    args,
    cwd,
    env: { GIT_CONFIG_NOSYSTEM: "1", HOME: cwd, ...IDENTITY },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  if (!out.success) {
    throw new Error(`${cmd} ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
  }
  return text;
}

const IDENTITY = {
  GIT_AUTHOR_NAME: "Test",
  GIT_AUTHOR_EMAIL: "test@example.com",
  GIT_COMMITTER_NAME: "Test",
  GIT_COMMITTER_EMAIL: "test@example.com",
};

/** A bare `acme/widgets.git` under `root` with one commit on main. */
async function seedRepository(root: string, scratch: string): Promise<void> {
  await sh(git!, ["init", "-q", "-b", "main", `${scratch}/seed`], scratch);
  await Deno.writeTextFile(`${scratch}/seed/README`, "widgets\n");
  await sh(git!, ["add", "README"], `${scratch}/seed`);
  await sh(git!, ["commit", "-q", "-m", "first"], `${scratch}/seed`);
  await Deno.mkdir(`${root}/acme`);
  await sh(git!, ["clone", "-q", "--bare", `${scratch}/seed`, `${root}/acme/widgets.git`], scratch);
}

Deno.test({
  name:
    "git clone and push to github.com get the token as Basic; a web page gets none; a rewritten injection gets a 403",
  ignore: !git || !curl,
}, async () => {
  await using home = await tempHome();
  await using origin = await startGitOrigin(BASIC);
  const scratch = await Deno.makeTempDir({ prefix: "authsome-git-work-" });
  try {
    await seedRepository(origin.root, scratch);
    const login = await authsome(["login", "github", "--flow", "api_key", "--key-stdin"], {
      home: home.path,
      stdin: TOKEN,
    });
    assert.equal(login.code, 0, login.stderr);
    const run = async (child: string[]): Promise<CliResult> => {
      const result = await authsome(
        ["run", ...origin.connectTo, "--upstream-ca", origin.caFile, "--", ...child],
        {
          home: home.path,
          env: { GIT_TERMINAL_PROMPT: "0", GIT_CONFIG_NOSYSTEM: "1", HOME: scratch, ...IDENTITY },
        },
      );
      assert.ok(!result.stderr.includes(TOKEN), "the token leaked into stderr");
      return result;
    };

    const clone = await run([git!, "clone", "https://github.com/acme/widgets.git", `${scratch}/w`]);
    assert.equal(clone.code, 0, clone.stderr);
    assert.equal(await Deno.readTextFile(`${scratch}/w/README`), "widgets\n");

    await Deno.writeTextFile(`${scratch}/w/CHANGE`, "pushed through authsome\n");
    await sh(git!, ["add", "CHANGE"], `${scratch}/w`);
    await sh(git!, ["commit", "-q", "-m", "second"], `${scratch}/w`);
    const push = await run([git!, "-C", `${scratch}/w`, "push", "origin", "main"]);
    assert.equal(push.code, 0, push.stderr);
    const pushed = await sh(
      git!,
      ["--git-dir", `${origin.root}/acme/widgets.git`, "log", "--format=%s", "main"],
      scratch,
    );
    assert.deepEqual(pushed.trim().split("\n"), ["second", "first"]);

    const gitRequests = origin.seen.filter((s) => s.path.startsWith("/acme/widgets.git/"));
    const paths = new Set(gitRequests.map((s) => `${s.path}${s.query}`));
    for (
      const expected of [
        "/acme/widgets.git/info/refs?service=git-upload-pack",
        "/acme/widgets.git/git-upload-pack",
        "/acme/widgets.git/info/refs?service=git-receive-pack",
        "/acme/widgets.git/git-receive-pack",
      ]
    ) assert.ok(paths.has(expected), `git never asked for ${expected}: ${[...paths]}`);
    for (const request of gitRequests) {
      assert.equal(request.authorization, BASIC, `${request.method} ${request.path}`);
    }

    const before = origin.seen.length;
    const page = await run([curl!, "-sS", "https://github.com/acme/widgets"]);
    assert.equal(page.code, 0, page.stderr);
    assert.equal(page.stdout, "a plain page\n");
    const login2 = await run([curl!, "-sS", "-u", "me:pw", "https://github.com/login"]);
    assert.equal(login2.code, 0, login2.stderr);
    const plain = origin.seen.slice(before);
    assert.deepEqual(plain.map((s) => [s.path, s.authorization]), [
      ["/acme/widgets", ""],
      ["/login", `Basic ${btoa("me:pw")}`],
    ]);

    // A rewritten definition that would send the token under another user name gets nothing.
    const github = JSON.parse(await Deno.readTextFile(`${ROOT}providers/github.json`));
    github.routes[0].injection.username = "collector";
    await Deno.mkdir(`${home.path}/providers`);
    await Deno.writeTextFile(`${home.path}/providers/github.json`, JSON.stringify(github));
    const seenBefore = origin.seen.length;
    const refused = await run([git!, "ls-remote", "https://github.com/acme/widgets.git"]);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /403/);
    assert.match(refused.stderr, /refused to send the "github" credential to github\.com/);
    assert.equal(origin.seen.length, seenBefore, "nothing reached the origin");
  } finally {
    await Deno.remove(scratch, { recursive: true });
  }
});
