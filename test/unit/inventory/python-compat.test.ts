/**
 * Our ports of Python's shlex.split and ast.literal_eval against Python itself, on hand-picked and generated
 * inputs: INI inventory values go through both, so any difference changes a variable's value.
 */
import { spawnSync } from "node:child_process";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { pythonLiteral } from "../../../src/inventory/python-literal.js";
import { shlexSplit } from "../../../src/inventory/python-shlex.js";

const hasPython = spawnSync("python3", ["--version"]).status === 0;

const PY = String.raw`
import ast, json, shlex, sys
def norm(v):
    if isinstance(v, float) and v != v or v in (float("inf"), float("-inf")): raise TypeError("not finite")
    if isinstance(v, bool) or v is None or isinstance(v, (int, float, str)): return v
    if isinstance(v, bytes): return v.decode()
    if isinstance(v, (list, tuple)): return [norm(x) for x in v]
    if isinstance(v, (set, frozenset)): raise TypeError("set")
    if isinstance(v, dict): return {json.dumps(norm(k)) if not isinstance(k, str) else k: norm(x) for k, x in v.items()}
    raise TypeError(type(v).__name__)
out = []
for mode, s in json.load(sys.stdin):
    if mode == "shlex":
        try: out.append({"ok": shlex.split(s, comments=True)})
        except ValueError: out.append({"error": True})
    else:
        try: v = ast.literal_eval(s)
        except (ValueError, SyntaxError, MemoryError, RecursionError): out.append({"raw": True}); continue
        except Exception: out.append({"skip": True}); continue
        try: out.append({"ok": norm(v)})
        except (TypeError, UnicodeDecodeError): out.append({"skip": True})
print(json.dumps(out))
`;

function python(inputs: [string, string][]): Record<string, unknown>[] {
  const r = spawnSync("python3", ["-c", PY], { input: JSON.stringify(inputs), encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as Record<string, unknown>[];
}

/** Our result in the same shape as the Python side's. */
function oursLiteral(s: string): Record<string, unknown> {
  const r = pythonLiteral(s);
  if (!r.ok) return { raw: true };
  const keyed = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(keyed);
    if (v && typeof v === "object")
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, keyed(x)]));
    return v;
  };
  return { ok: keyed(r.value) };
}

function oursShlex(s: string): Record<string, unknown> {
  try {
    return { ok: shlexSplit(s) };
  } catch {
    return { error: true };
  }
}

const LITERALS = [
  "42",
  "-7",
  "+3",
  "0",
  "00",
  "010",
  "0x1F",
  "0o17",
  "0b101",
  "1_000",
  "1__0",
  "1.5",
  ".5",
  "5.",
  "1e3",
  "1.e-2",
  "01.5",
  "True",
  "False",
  "None",
  "true",
  "yes",
  "'single'",
  '"double"',
  "'a' 'b'",
  "'a' b'c'",
  "b'bytes'",
  "r'\\d'",
  "'\\n\\t\\x41\\u00e9\\101\\q'",
  "'''triple'''",
  "f'x'",
  "[1, 2]",
  "[1, [2, [3]]]",
  "[1,]",
  "[,]",
  "(1)",
  "(1,)",
  "()",
  "1, 2",
  "1,",
  "{'a': 1, 'b': [2]}",
  "{}",
  "{'a': 1,}",
  "{1: 'x'}",
  "-True",
  "--1",
  "1+2",
  "1 + 2j",
  "1j",
  "abc",
  "hello world",
  "a=b",
  "{{ var }}",
  "[1, 2",
  "'unterminated",
  "5 # comment",
  "  7",
  "\t8",
  "[1, 2] # c",
  "1 2",
  "2147483648",
  "1e400",
  "-0",
  "-0.0",
  "'é'",
  "u'x'",
  "rb'x'",
  "Rb'\\x'",
  "'\\N{DASH}'",
  "{1, 2}",
  "{'a'}",
  "[]",
  "''",
  "x'",
  "'a'\\",
  "",
  " ",
  "#",
  "0xg",
  "1_",
  "0_0",
  "1.5.",
  "[True, None, 'x', -1.5e2]",
  // Names: ASCII ones are read without the Unicode pattern, the others with it.
  "True",
  "Truex",
  "Trueé",
  "éTrue",
  "None_",
  "_None",
  "[False, Falseé]",
  "ünï",
  "x1é2",
];

const SHLEX = [
  "web1 a=1 b=2",
  "h x='a b' y=\"c d\"",
  "h x=a#b y=2",
  "h # comment x=1",
  'h x="say \\"hi\\""',
  "h x='it''s'",
  "h x=\\'q",
  'h x="a\\nb"',
  "h x=''",
  'h x=""',
  'h ""',
  "h x='unterminated",
  "h x=back\\",
  "h\tx=1\ty=2",
  'h x="a\'b"',
  "h x='a\"b'",
  "h x=a\\ b",
  'h x="\\\\"',
  'h x="\\$HOME"',
];

describe.skipIf(!hasPython)("Python compatibility", () => {
  it("literal_eval on hand-picked values", () => {
    const expected = python(LITERALS.map((s) => ["literal", s]));
    LITERALS.forEach((s, i) => {
      if (expected[i]!.skip) return;
      expect({ s, r: oursLiteral(s) }).toEqual({ s, r: expected[i] });
    });
  });

  it("shlex.split on hand-picked host lines", () => {
    const expected = python(SHLEX.map((s) => ["shlex", s]));
    SHLEX.forEach((s, i) => expect({ s, r: oursShlex(s) }).toEqual({ s, r: expected[i] }));
  });

  it("both on generated inputs", () => {
    const pieces = [
      "1",
      "0",
      "x",
      "_",
      ".",
      "e",
      "-",
      "+",
      " ",
      "'",
      '"',
      "\\",
      "#",
      "[",
      "]",
      "(",
      ")",
      "{",
      "}",
    ];
    const more = [",", ":", "=", "True", "None", "b", "r", "n", "\t", "é", "0x", "j"];
    const gen = fc.array(fc.constantFrom(...pieces, ...more), { maxLength: 12 }).map((a) => a.join(""));
    const samples = fc.sample(gen, { numRuns: 3000, seed: 20240514 });
    const expected = python(
      samples.flatMap((s) => [["literal", s] as [string, string], ["shlex", s] as [string, string]]),
    );
    samples.forEach((s, i) => {
      const lit = expected[2 * i]!;
      if (!lit.skip) expect({ s, r: oursLiteral(s) }).toEqual({ s, r: lit });
      expect({ s, r: oursShlex(s) }).toEqual({ s, r: expected[2 * i + 1] });
    });
  });
});
