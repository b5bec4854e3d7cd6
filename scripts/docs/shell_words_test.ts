import assert from "node:assert/strict";
import { simpleCommands } from "./shell_words.ts";

Deno.test("simpleCommands() splits lists, pipes and $(...) into commands", () => {
  const script = [
    "authsome login openai --from-env OPENAI_API_KEY   # a comment",
    'eval "$(authsome export openai --format shell)"',
    "authsome run $DEMO_FLAGS -- env | grep -E 'PROXY|OPENAI' 2>&1 >/dev/null",
    "FOO=bar authsome run \\",
    '  --deny-unmatched -- curl -s "https://x/${A}" && echo "exit $?"',
    "if authsome doctor; then echo ok; fi",
    "printf '%s' \"$KEY\" | sudo authsome login demo --key-stdin < key.txt",
  ].join("\n");
  assert.deepEqual(simpleCommands(script, { DEMO_FLAGS: ["--connect-to", "a:1:b:2"] }), [
    ["authsome", "login", "openai", "--from-env", "OPENAI_API_KEY"],
    ["eval", "SUBST"],
    ["authsome", "run", "--connect-to", "a:1:b:2", "--", "env"],
    ["grep", "-E", "PROXY|OPENAI"],
    ["authsome", "run", "--deny-unmatched", "--", "curl", "-s", "https://x/${A}"],
    ["echo", "exit $?"],
    ["authsome", "doctor"],
    ["echo", "ok"],
    ["printf", "%s", "$KEY"],
    ["sudo", "authsome", "login", "demo", "--key-stdin"],
    ["authsome", "export", "openai", "--format", "shell"],
  ]);
});

Deno.test("simpleCommands() skips here-documents", () => {
  const script = "cat > a.json <<'EOF'\nauthsome not a command\nEOF\nauthsome list\n";
  assert.deepEqual(simpleCommands(script), [["cat"], ["authsome", "list"]]);
});
