/**
 * Jinja2 and Ansible tests (`x is defined`, `result is failed`, `v is version('2.0', '>=')`, ...). Type tests follow
 * Python's isinstance (a bool is a number; a string is a sequence); result tests follow Ansible's task results.
 */
import { existsSync, lstatSync, statSync } from "node:fs";
import { isAbsolute } from "node:path";
import { pyRegex } from "./filters/regex.js";
import { compare, contains, iterate } from "./operators.js";
import { need, param, type TestFn } from "./registry.js";
import {
  isDict,
  isFloat,
  isMapping,
  mappingGet,
  num,
  Namespace,
  PyFloat,
  pyEq,
  PyFunction,
  pyStr,
  TemplateRuntimeError,
  truthy,
  Undefined,
} from "./values.js";

function resultOf(v: unknown, test: string): Record<string, unknown> {
  need(v);
  if (!isDict(v)) throw new TemplateRuntimeError(`The '${test}' test expects a dictionary`, "type");
  return v;
}

const failed: TestFn = (v) => truthy(resultOf(v, "failed").failed ?? false);
const changed: TestFn = (v) => {
  const r = resultOf(v, "changed");
  if (!("changed" in r) && Array.isArray(r.results))
    return r.results.some((x) => isMapping(x) && truthy(mappingGet(x, "changed") ?? false));
  return truthy(r.changed ?? false);
};
const skipped: TestFn = (v) => truthy(resultOf(v, "skipped").skipped ?? false);

const OPERATORS: Record<string, string> = {
  "==": "==",
  "=": "==",
  eq: "==",
  "<": "<",
  lt: "<",
  "<=": "<=",
  le: "<=",
  ">": ">",
  gt: ">",
  ">=": ">=",
  ge: ">=",
  "!=": "!=",
  "<>": "!=",
  ne: "!=",
};

/** distutils' LooseVersion components: runs of digits become ints, runs of letters stay strings. */
function looseVersion(v: string): unknown[] {
  return (v.match(/\d+|[a-z]+|\./gi) ?? [])
    .filter((c) => c !== ".")
    .map((c) => (/^\d+$/.test(c) ? Number(c) : c));
}

/** distutils' StrictVersion: N.N[.N][(a|b)N], pre-releases sort before the release. */
function strictVersion(v: string): unknown[] {
  const m = /^(\d+)\.(\d+)(\.(\d+))?([ab](\d+))?$/.exec(v);
  if (!m) throw new TemplateRuntimeError(`Version comparison failed: invalid version number '${v}'`, "value");
  const pre = m[5] ? [m[5][0], Number(m[6])] : ["z", 0];
  return [Number(m[1]), Number(m[2]), Number(m[4] ?? 0), ...pre];
}

function semver(v: string): unknown[] {
  const m = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/.exec(v);
  if (!m)
    throw new TemplateRuntimeError(`Version comparison failed: invalid semantic version '${v}'`, "value");
  // A release sorts after any of its pre-releases.
  const pre = m[4] ? [0, ...m[4].split(".").map((p) => (/^\d+$/.test(p) ? Number(p) : p))] : [1];
  return [Number(m[1]), Number(m[2]), Number(m[3]), ...pre];
}

const versionTest: TestFn = (value, args, kwargs) => {
  const other = pyStr(need(param(args, kwargs, 0, "version", "")));
  const opRaw = pyStr(param(args, kwargs, 1, "operator", "eq"));
  const strict = truthy(param(args, kwargs, 2, "strict", false));
  const type = pyStr(param(args, kwargs, 3, "version_type", strict ? "strict" : "loose"));
  const op = OPERATORS[opRaw];
  if (!op) throw new TemplateRuntimeError("Invalid operator type (" + opRaw + ")", "value");
  const parse =
    type === "strict" ? strictVersion : type === "semver" || type === "semantic" ? semver : looseVersion;
  const a = parse(pyStr(need(value)));
  const b = parse(other);
  try {
    return compare(a, op, b);
  } catch (e) {
    throw new TemplateRuntimeError(`Version comparison failed: ${(e as Error).message}`, "value");
  }
};

function regexTest(kind: "match" | "search" | "fullmatch"): TestFn {
  return (value, args, kwargs) => {
    const pattern = pyStr(param(args, kwargs, 0, "pattern", ""));
    const flags = {
      ignorecase: truthy(param(args, kwargs, 1, "ignorecase", false)),
      multiline: truthy(param(args, kwargs, 2, "multiline", false)),
    };
    const anchored =
      kind === "match" ? `^(?:${pattern})` : kind === "fullmatch" ? `^(?:${pattern})$` : pattern;
    // `^` must mean the start of the string even with multiline, as re.match does.
    const re = pyRegex(kind === "search" ? anchored : anchored.replace(/^\^/, "(?<![\\s\\S])"), flags);
    return re.test(pyStr(need(value)));
  };
}

const pathTest =
  (check: (p: string) => boolean): TestFn =>
  (value) => {
    const p = pyStr(need(value));
    try {
      return check(p);
    } catch {
      return false;
    }
  };

function cmp(op: string): TestFn {
  return (value, args) => compare(value, op, args[0]);
}

export const tests: Record<string, TestFn> = {
  defined: (v) => !(v instanceof Undefined),
  undefined: (v) => v instanceof Undefined,
  none: (v) => v === null,
  string: (v) => typeof v === "string",
  number: (v) => typeof v === "number" || typeof v === "boolean" || v instanceof PyFloat,
  integer: (v) => typeof v === "number" && !isFloat(v),
  float: (v) => isFloat(v),
  boolean: (v) => typeof v === "boolean",
  true: (v) => v === true,
  false: (v) => v === false,
  mapping: (v) => isMapping(v),
  sequence: (v) => typeof v === "string" || Array.isArray(v) || isMapping(v),
  iterable: (v) => typeof v === "string" || Array.isArray(v) || isMapping(v),
  callable: (v) => v instanceof PyFunction || typeof v === "function",
  sameas: (v, args) => v === args[0] || (v instanceof Namespace && v === args[0]),
  escaped: () => false,
  odd: (v) => Math.abs(num(need(v)) % 2) === 1,
  even: (v) => num(need(v)) % 2 === 0,
  divisibleby: (v, args) => num(need(v)) % num(args[0]) === 0,
  lower: (v) => pyStr(need(v)) === pyStr(v).toLowerCase(),
  upper: (v) => pyStr(need(v)) === pyStr(v).toUpperCase(),
  eq: (v, args) => pyEq(v, args[0]),
  equalto: (v, args) => pyEq(v, args[0]),
  "==": (v, args) => pyEq(v, args[0]),
  ne: (v, args) => !pyEq(v, args[0]),
  "!=": (v, args) => !pyEq(v, args[0]),
  lt: cmp("<"),
  lessthan: cmp("<"),
  "<": cmp("<"),
  gt: cmp(">"),
  greaterthan: cmp(">"),
  ">": cmp(">"),
  le: cmp("<="),
  "<=": cmp("<="),
  ge: cmp(">="),
  ">=": cmp(">="),
  in: (v, args) => contains(args[0], v),
  contains: (v, args) => contains(v, args[0]),
  match: regexTest("match"),
  search: regexTest("search"),
  regex: (v, args, kwargs, scope) => {
    const type = pyStr(param(args, kwargs, 3, "match_type", "search"));
    return regexTest(type === "match" ? "match" : type === "fullmatch" ? "fullmatch" : "search")(
      v,
      args,
      kwargs,
      scope,
    );
  },
  version: versionTest,
  version_compare: versionTest,
  failed,
  failure: failed,
  succeeded: (v, a, k, s) => !failed(v, a, k, s),
  success: (v, a, k, s) => !failed(v, a, k, s),
  successful: (v, a, k, s) => !failed(v, a, k, s),
  changed,
  change: changed,
  skipped,
  skip: skipped,
  unreachable: (v) => truthy(resultOf(v, "unreachable").unreachable ?? false),
  reachable: (v) => !truthy(resultOf(v, "reachable").unreachable ?? false),
  finished: (v) => truthy(resultOf(v, "finished").finished ?? true),
  truthy: (v, args, kwargs) => {
    const convert = truthy(param(args, kwargs, 0, "convert_bool", false));
    if (convert && typeof v === "string" && /^(yes|on|1|true|no|off|0|false)$/i.test(v.trim()))
      return /^(yes|on|1|true)$/i.test(v.trim());
    return truthy(v);
  },
  falsy: (v, args, kwargs) => {
    const convert = truthy(param(args, kwargs, 0, "convert_bool", false));
    if (convert && typeof v === "string" && /^(yes|on|1|true|no|off|0|false)$/i.test(v.trim()))
      return !/^(yes|on|1|true)$/i.test(v.trim());
    return !truthy(v);
  },
  file: pathTest((p) => statSync(p).isFile()),
  directory: pathTest((p) => statSync(p).isDirectory()),
  link: pathTest((p) => lstatSync(p).isSymbolicLink()),
  exists: pathTest((p) => existsSync(p)),
  link_exists: pathTest((p) => Boolean(lstatSync(p))),
  abs: (v) => isAbsolute(pyStr(need(v))),
  subset: (v, args) => iterate(v).every((x) => iterate(args[0]).some((y) => pyEq(x, y))),
  superset: (v, args) => iterate(args[0]).every((x) => iterate(v).some((y) => pyEq(x, y))),
  any: (v) => iterate(v).some(truthy),
  all: (v) => iterate(v).every(truthy),
};

/** Tests that look at an undefined value instead of failing on it (type checks return False, as isinstance does). */
export const UNDEFINED_AWARE_TESTS = new Set([
  "defined",
  "undefined",
  "none",
  "string",
  "number",
  "integer",
  "float",
  "boolean",
  "true",
  "false",
  "mapping",
  "sequence",
  "iterable",
  "callable",
  "sameas",
]);
