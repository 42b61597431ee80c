import { execFileSync } from "node:child_process";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { pythonJson } from "../../../src/report/python-json.js";
import { wrap } from "../../../src/report/textwrap.js";

const reference = (fn: string, cases: object[]): unknown[] =>
  JSON.parse(
    execFileSync("/usr/bin/python3", [join(import.meta.dirname, "tools", "python_reference.py")], {
      input: JSON.stringify({ fn, cases }),
    }).toString(),
  ) as unknown[];

/** Words that exercise textwrap's splitting: hyphens, em-dashes, punctuation, tabs, long words, non-ASCII. */
const word = fc.oneof(
  fc.constantFrom(
    "foo",
    "bar-baz",
    "x--y",
    "--",
    "well-known-name",
    "a-b",
    "é-ü",
    "日本語",
    "end.",
    "1-2",
    "co-op's",
  ),
  fc.string({ unit: fc.constantFrom("a", "b", "-", "é", "1", ".", "_"), minLength: 1, maxLength: 30 }),
);
const text = fc
  .array(fc.tuple(word, fc.constantFrom(" ", "  ", "\t", "\n", " ")), { minLength: 1, maxLength: 30 })
  .map((parts) => parts.map(([w, s]) => w + s).join(""));

describe("textwrap.wrap as Python's", () => {
  it("breaks lines where Python does", () => {
    const cases = fc.sample(
      fc.record({ text, width: fc.integer({ min: 1, max: 90 }), drop: fc.boolean() }),
      400,
    );
    const expected = reference("wrap", cases);
    cases.forEach((c, i) => expect(wrap(c.text, c.width, { dropWhitespace: c.drop })).toEqual(expected[i]));
  });
});

describe("textwrap.wrap as Python's, on ASCII text (its own word classes)", () => {
  const asciiWord = fc.oneof(
    fc.constantFrom(
      "foo",
      "bar-baz",
      "x--y",
      "--",
      "a-b",
      "1-2",
      "co-op's",
      "_x-",
      "a1-b2",
      "end.",
      "why?--no",
    ),
    fc.string({
      unit: fc.constantFrom("a", "Z", "-", "1", ".", "_", "'", "!", "&", ","),
      minLength: 1,
      maxLength: 30,
    }),
  );
  const asciiText = fc
    .array(fc.tuple(asciiWord, fc.constantFrom(" ", "  ", "\t", "\n")), { minLength: 1, maxLength: 30 })
    .map((parts) => parts.map(([w, s]) => w + s).join(""));

  it("breaks lines where Python does", () => {
    const cases = fc.sample(
      fc.record({ text: asciiText, width: fc.integer({ min: 1, max: 90 }), drop: fc.boolean() }),
      400,
    );
    const expected = reference("wrap", cases);
    cases.forEach((c, i) => expect(wrap(c.text, c.width, { dropWhitespace: c.drop })).toEqual(expected[i]));
  });
});

describe("pythonJson as json.dumps(sort_keys=True, ensure_ascii=False)", () => {
  it("prints the same text, on one line and indented", () => {
    const value = fc.jsonValue({ maxDepth: 3 });
    const cases = fc.sample(fc.record({ value, indent: fc.constantFrom(null, 4) }), 300);
    const expected = reference("dumps", cases);
    cases.forEach((c, i) =>
      expect(pythonJson(c.value, { indent: c.indent ?? undefined, sortKeys: true })).toBe(expected[i]),
    );
  });

  it("prints floats in Python's repr", () => {
    const values = [0.5, 1e-5, 0.0001, 1.5e16, 123456789.125, -2.5e-7, 1e300];
    expect(values.map((v) => pythonJson(v))).toEqual(
      reference(
        "dumps",
        values.map((value) => ({ value, indent: null })),
      ),
    );
    expect(pythonJson([NaN, Infinity, -Infinity])).toBe("[NaN, Infinity, -Infinity]");
  });
});
