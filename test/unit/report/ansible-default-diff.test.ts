import { describe, expect, it } from "vitest";
import { AnsibleDefaultReporter } from "../../../src/report/ansible-default.js";
import { formatDiff } from "../../../src/report/unified-diff.js";
import { Capture, fixture, Script } from "./helpers.js";

const TMP = "/root/.ansible/tmp/ansible-local-238502ok8y6ro/";
const DIR = "/tmp/infra-report-fixture";
const lines = (from: number, to: number, f: (i: number) => string) =>
  Array.from({ length: to - from + 1 }, (_, k) => f(from + k) + "\n").join("");
const many = lines(1, 29, (i) => `line ${i}`);
const twoHunks = lines(1, 29, (i) => `${i === 3 || i === 20 ? "LINE" : "line"} ${i}`) + "extra\n";

describe("--diff output against ansible-playbook --diff diff.yml", () => {
  it("prints each changed result's diff before its line, as Ansible's _get_diff", () => {
    const s = new Script().play("Diffs", ["localhost"]);
    const state = (before: string, after: string, path = DIR) => ({
      changed: before !== after,
      path,
      diff: { before: { path, state: before }, after: { path, state: after } },
    });
    s.task("file", "file").ok("localhost", state("absent", "absent"));
    s.task("file", "file").changed("localhost", state("absent", "directory"));
    s.task("New file", "copy").changed(
      "localhost",
      { changed: true },
      {
        diff: [{ before: "", after: "one\ntwo\nthree\n", after_header: `${TMP}tmpv1b4sdej` }],
      },
    );
    const copied = (before: string, after: string, tmp: string, file = "a.txt") => ({
      before,
      after,
      before_header: `${DIR}/${file}`,
      after_header: `${TMP}${tmp}`,
    });
    s.task("Change middle", "copy").changed("localhost", {
      changed: true,
      diff: [copied("one\ntwo\nthree\n", "one\n2\nthree\n", "tmp9hl8xzi7")],
    });
    s.task("Drop trailing newline", "copy").changed(
      "localhost",
      { changed: true },
      {
        diff: [copied("one\n2\nthree\n", "one\n2\nthree", "tmp9kfg9xyg")],
      },
    );
    s.task("Many lines", "copy").changed(
      "localhost",
      { changed: true },
      {
        diff: [{ before: "", after: many, after_header: `${TMP}tmpusai52ze` }],
      },
    );
    s.task("Two hunks", "copy").changed(
      "localhost",
      { changed: true },
      {
        diff: [copied(many, twoHunks, "tmp7tsd0gpn", "b.txt")],
      },
    );
    s.task("Unchanged", "copy").ok("localhost", { changed: false });
    s.task("Loop diffs", "copy");
    for (const [name, tmp] of [
      ["c.txt", "tmpd8bi90ud"],
      ["d.txt", "tmpnbe9g_g6"],
    ] as const) {
      s.changed(
        "localhost",
        { changed: true, item: name },
        {
          itemLabel: name,
          diff: [{ before: "", after: `${name}\n`, after_header: `${TMP}${tmp}` }],
        },
      );
    }
    s.changed("localhost", { changed: true, results: [] }, { loopSummary: true });
    s.task("Remove", "file").changed("localhost", state("file", "absent", `${DIR}/a.txt`));
    s.recap({ localhost: { ok: 10, changed: 8 } });

    const out = new Capture();
    const reporter = new AnsibleDefaultReporter({
      out,
      err: new Capture(),
      color: false,
      verbosity: 0,
      diff: true,
    });
    for (const event of s.events) reporter.emit(event);
    expect(out.text).toBe(fixture("diff.stdout.txt"));
  });

  it("shows a result's own diff field only with --diff", () => {
    const s = new Script().play("p", ["h"]);
    s.task("t", "copy").changed("h", { changed: true, diff: { before: "a\n", after: "b\n" } });
    const out = new Capture();
    const reporter = new AnsibleDefaultReporter({
      out,
      err: new Capture(),
      color: false,
      verbosity: 0,
      diff: false,
    });
    for (const event of s.events) reporter.emit(event);
    expect(out.text).not.toContain("+b");
  });
});

describe("formatDiff", () => {
  it("marks a missing newline on both sides and diffs them as different lines", () => {
    expect(formatDiff({ before: "a", after: "a\n" })).toBe(
      "--- before\n+++ after\n@@ -1 +1 @@\n-a\n\\ No newline at end of file\n+a\n\n",
    );
  });

  it("prints nothing for equal texts, and notes for binary or large files", () => {
    expect(formatDiff({ before: "same\n", after: "same\n" })).toBe("");
    expect(formatDiff([{ dst_binary: 1 }, { src_larger: 100 }])).toBe(
      "diff skipped: destination file appears to be binary\ndiff skipped: source file size is greater than 100\n",
    );
    expect(formatDiff({ prepared: "raw text\n" })).toBe("raw text\n");
  });

  it("honours the context size and colours +, - and @@ lines", () => {
    const before = "1\n2\n3\n4\n5\n";
    const after = "1\n2\nX\n4\n5\n";
    expect(formatDiff({ before, after }, { context: 0 })).toBe(
      "--- before\n+++ after\n@@ -3 +3 @@\n-3\n+X\n\n",
    );
    expect(formatDiff({ before, after }, { context: 1, color: true })).toBe(
      "\x1b[0;31m--- before\x1b[0m\n\x1b[0;31m\x1b[0m\x1b[0;32m+++ after\x1b[0m\n\x1b[0;32m\x1b[0m" +
        "\x1b[0;36m@@ -2,3 +2,3 @@\x1b[0m\n\x1b[0;36m\x1b[0m 2\n\x1b[0;31m-3\x1b[0m\n\x1b[0;31m\x1b[0m" +
        "\x1b[0;32m+X\x1b[0m\n\x1b[0;32m\x1b[0m 4\n\n",
    );
  });
});
