import { execFileSync } from "node:child_process";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatDiff } from "../../../src/report/unified-diff.js";

const PYTHON = "/usr/bin/python3";
const hasAnsible = (() => {
  try {
    execFileSync(PYTHON, ["-c", "import ansible"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

function ansibleGetDiff(cases: object[]): string[] {
  const script = join(import.meta.dirname, "tools", "ansible_get_diff.py");
  return JSON.parse(execFileSync(PYTHON, [script], { input: JSON.stringify(cases) }).toString()) as string[];
}

/**
 * A file and an edited copy: lines kept in order, some dropped, replaced or inserted, every line distinct (as in
 * config files), and either file may lack its final newline. Moves are left out on purpose: where two alignments are
 * equally good, difflib and the `diff` package may pick different ones.
 */
const edited = fc
  .tuple(
    fc.array(fc.constantFrom("keep", "drop", "replace", "insert"), { maxLength: 40 }),
    fc.boolean(),
    fc.boolean(),
  )
  .map(([ops, beforeNewline, afterNewline]) => {
    const before: string[] = [];
    const after: string[] = [];
    ops.forEach((op, i) => {
      if (op !== "insert") before.push(`line ${i}`);
      if (op === "keep") after.push(`line ${i}`);
      if (op === "replace" || op === "insert") after.push(`new ${i}`);
    });
    const join = (lines: string[], newline: boolean) =>
      lines.join("\n") + (newline && lines.length ? "\n" : "");
    return { before: join(before, beforeNewline), after: join(after, afterNewline) };
  });

describe.skipIf(!hasAnsible)("formatDiff against Ansible's _get_diff", () => {
  it("prints the same hunks for in-order edits", () => {
    const cases = fc.sample(edited, 300);
    const expected = ansibleGetDiff(
      cases.map(({ before, after }) => ({ before, after, before_header: "/etc/x" })),
    );
    cases.forEach(({ before, after }, i) => {
      expect(formatDiff({ before, after, before_header: "/etc/x" })).toBe(expected[i]);
    });
  });

  it("serialises structured before/after like _serialize_diff", () => {
    const diff = {
      before: { path: "/x", state: "absent", mode: "0644" },
      after: { path: "/x", state: "file", n: [1, 2.5] },
    };
    expect(formatDiff(diff)).toBe(ansibleGetDiff([diff])[0]);
  });
});
