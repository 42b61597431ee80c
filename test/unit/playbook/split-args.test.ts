import { execFileSync } from "node:child_process";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseKv, splitArgs } from "../../../src/playbook/split-args.js";
import { hasAnsible } from "./helpers.js";

describe("parseKv", () => {
  it("splits k=v pairs and unquotes values", () => {
    expect(parseKv(`path=/tmp/a mode='0644' owner="root user"`)).toEqual({
      path: "/tmp/a",
      mode: "0644",
      owner: "root user",
    });
  });

  it("keeps free-form words of command modules in _raw_params, but takes command options", () => {
    expect(parseKv("echo a=b > /tmp/x creates=/tmp/x chdir=/srv", true)).toEqual({
      _raw_params: "echo a=b > /tmp/x",
      creates: "/tmp/x",
      chdir: "/srv",
    });
  });

  it("keeps Jinja2 expressions with spaces together", () => {
    expect(splitArgs("msg={{ a | default('x y') }} other=1")).toEqual([
      "msg={{ a | default('x y') }}",
      "other=1",
    ]);
  });

  it("rejects unbalanced quotes", () => {
    expect(() => splitArgs(`a="b c`)).toThrow(/unbalanced/);
  });
});

/** Ansible's own parse_kv on many strings at once: {ok: result} or {error: true}. */
function ansibleParseKv(inputs: Array<[string, boolean]>): unknown[] {
  const script = `
import json, sys
from ansible.parsing.splitter import parse_kv
out = []
for text, raw in json.load(sys.stdin):
    try:
        out.append({"ok": parse_kv(text, check_raw=raw)})
    except Exception:
        out.append({"error": True})
print(json.dumps(out))
`;
  const stdout = execFileSync("/usr/bin/python3", ["-c", script], {
    input: JSON.stringify(inputs),
    encoding: "utf8",
  });
  return JSON.parse(stdout) as unknown[];
}

function ours(text: string, raw: boolean): unknown {
  try {
    return { ok: parseKv(text, raw) };
  } catch {
    return { error: true };
  }
}

describe.skipIf(!hasAnsible)("parseKv matches ansible.parsing.splitter.parse_kv", () => {
  const tricky: Array<[string, boolean]> = [
    ["a=1 b=2", false],
    ["a='x y' b=\"p q\" c", false],
    ["echo hi creates=/x removes='/y z'", true],
    ["a=b\\=c d=e\\nf", false],
    ["=x y", false],
    ["a=\\=", false],
    ["x={{ y }} z={% if a %}b{% endif %}", false],
    ["line1\nline2 k=v", true],
    ["a=1  b=2   c", true],
    ["a=\\u00e9\\x41\\t", false],
    ["cmd \\\n continued", true],
    ["\nfoo", false],
    ["a='unterminated", false],
    ["{{ a }", false],
    ["k='it\\'s' j=\"q\\\"\"", false],
  ];
  it("on hand-picked tricky inputs", () => {
    const theirs = ansibleParseKv(tricky);
    tricky.forEach(([text, raw], i) =>
      expect({ text, raw, r: ours(text, raw) }).toEqual({ text, raw, r: theirs[i] }),
    );
  });

  it("on random strings over a hostile alphabet", () => {
    const chars = ["a", "b", "k", "=", " ", " ", "'", '"', "\\", "{", "}", "%", "#", "\n", "x", "é"];
    const samples = fc.sample(
      fc.tuple(
        fc.array(fc.constantFrom(...chars), { maxLength: 24 }).map((a) => a.join("")),
        fc.boolean(),
      ),
      { numRuns: 400, seed: 42 },
    );
    const theirs = ansibleParseKv(samples);
    samples.forEach(([text, raw], i) =>
      expect({ text, raw, r: ours(text, raw) }).toEqual({ text, raw, r: theirs[i] }),
    );
  });
});
