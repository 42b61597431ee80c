import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { shouldRun } from "../../../src/playbook/index.js";
import { hasAnsible } from "./helpers.js";

describe("shouldRun", () => {
  it("runs everything but never-tagged tasks by default", () => {
    expect(shouldRun([], {})).toBe(true);
    expect(shouldRun(["x"], {})).toBe(true);
    expect(shouldRun(["never"], {})).toBe(false);
    expect(shouldRun(["never", "x"], { tags: ["x"] })).toBe(true);
  });

  it("runs always-tagged tasks unless always is skipped", () => {
    expect(shouldRun(["always"], { tags: ["other"] })).toBe(true);
    expect(shouldRun(["always"], { skipTags: ["all"] })).toBe(true);
    expect(shouldRun(["always"], { skipTags: ["always"] })).toBe(false);
  });

  it("knows tagged and untagged", () => {
    expect(shouldRun([], { tags: ["untagged"] })).toBe(true);
    expect(shouldRun(["a"], { tags: ["untagged"] })).toBe(false);
    expect(shouldRun(["a"], { tags: ["tagged"] })).toBe(true);
    expect(shouldRun([], { skipTags: ["tagged"] })).toBe(true);
  });
});

describe.skipIf(!hasAnsible)("shouldRun matches Taggable.evaluate_tags", () => {
  it("on every combination of a few tag sets and selections", () => {
    const taskTags = [
      [],
      ["a"],
      ["a", "b"],
      ["always"],
      ["never"],
      ["never", "a"],
      ["always", "a"],
      ["untagged"],
    ];
    const selections = [
      [],
      ["all"],
      ["a"],
      ["b"],
      ["tagged"],
      ["untagged"],
      ["never"],
      ["always"],
      ["a", "untagged"],
    ];
    const cases: Array<[string[], string[], string[]]> = [];
    for (const t of taskTags)
      for (const only of selections) for (const skip of selections) cases.push([t, only, skip]);
    const script = `
import json, sys
from ansible.playbook.taggable import Taggable
class T(Taggable):
    _loader = None
    def __init__(self, tags):
        self._tags = tags
out = []
for tags, only, skip in json.load(sys.stdin):
    t = T(tags)
    out.append(t.evaluate_tags(set(only) or {"all"}, set(skip), {}))
print(json.dumps(out))
`;
    const theirs = JSON.parse(
      execFileSync("/usr/bin/python3", ["-c", script], { input: JSON.stringify(cases), encoding: "utf8" }),
    ) as boolean[];
    cases.forEach(([tags, only, skip], i) =>
      expect({ tags, only, skip, run: shouldRun(tags, { tags: only, skipTags: skip }) }).toEqual({
        tags,
        only,
        skip,
        run: theirs[i],
      }),
    );
  });
});
