/**
 * Jinja2's operators with Python semantics: `+` joins lists, `/` always gives a float, `%` formats strings, `in`
 * looks into strings, lists and dict keys, comparisons refuse mixed types the way Python 3 does.
 */
import { percentFormat } from "./percent-format.js";
import {
  isDict,
  isFloat,
  isMapping,
  isNumber,
  LazyDict,
  mappingGet,
  mappingKeys,
  num,
  pyEq,
  PyFloat,
  TemplateRuntimeError,
  typeName,
  Undefined,
} from "./values.js";

function defined<T>(v: T): T {
  if (v instanceof Undefined) v.fail();
  return v;
}

function numeric(v: unknown): boolean {
  return isNumber(v) || typeof v === "boolean";
}

function unsupported(op: string, a: unknown, b: unknown): never {
  throw new TemplateRuntimeError(
    `unsupported operand type(s) for ${op}: '${typeName(a)}' and '${typeName(b)}'`,
    "type",
  );
}

/** Wrap a numeric result as Python would type it: float if either operand was. */
function result(value: number, float: boolean): number | PyFloat {
  return float ? new PyFloat(value) : value;
}

export function add(a: unknown, b: unknown): unknown {
  defined(a);
  defined(b);
  if (numeric(a) && numeric(b)) return result(num(a) + num(b), isFloat(a) || isFloat(b));
  if (typeof a === "string" && typeof b === "string") return a + b;
  if (Array.isArray(a) && Array.isArray(b)) return [...a, ...b];
  if (typeof a === "string" || typeof b === "string")
    throw new TemplateRuntimeError(
      `can only concatenate ${typeName(a)} (not "${typeName(b)}") to ${typeName(a)}`,
      "type",
    );
  return unsupported("+", a, b);
}

export function sub(a: unknown, b: unknown): unknown {
  defined(a);
  defined(b);
  if (numeric(a) && numeric(b)) return result(num(a) - num(b), isFloat(a) || isFloat(b));
  return unsupported("-", a, b);
}

export function mul(a: unknown, b: unknown): unknown {
  defined(a);
  defined(b);
  if (numeric(a) && numeric(b)) return result(num(a) * num(b), isFloat(a) || isFloat(b));
  if (typeof a === "string" && typeof b === "number") return b > 0 ? a.repeat(b) : "";
  if (typeof b === "string" && typeof a === "number") return a > 0 ? b.repeat(a) : "";
  if (Array.isArray(a) && typeof b === "number")
    return Array.from({ length: Math.max(0, b) }, () => a).flat(1);
  return unsupported("*", a, b);
}

function divisor(b: unknown, what: string): number {
  const d = num(b);
  if (d === 0) throw new TemplateRuntimeError(what, "value");
  return d;
}

export function div(a: unknown, b: unknown): unknown {
  defined(a);
  defined(b);
  if (!(numeric(a) && numeric(b))) return unsupported("/", a, b);
  return new PyFloat(num(a) / divisor(b, "division by zero"));
}

export function floorDiv(a: unknown, b: unknown): unknown {
  defined(a);
  defined(b);
  if (!(numeric(a) && numeric(b))) return unsupported("//", a, b);
  return result(
    Math.floor(num(a) / divisor(b, "integer division or modulo by zero")),
    isFloat(a) || isFloat(b),
  );
}

export function mod(a: unknown, b: unknown): unknown {
  defined(a);
  defined(b);
  if (typeof a === "string") return percentFormat(a, b);
  if (!(numeric(a) && numeric(b))) return unsupported("%", a, b);
  const d = divisor(b, "integer division or modulo by zero");
  const n = num(a);
  // Python's modulo takes the divisor's sign.
  return result(n - d * Math.floor(n / d), isFloat(a) || isFloat(b));
}

export function pow(a: unknown, b: unknown): unknown {
  defined(a);
  defined(b);
  if (!(numeric(a) && numeric(b))) return unsupported("** or pow()", a, b);
  const float = isFloat(a) || isFloat(b) || num(b) < 0;
  return result(Math.pow(num(a), num(b)), float);
}

export function neg(a: unknown): unknown {
  defined(a);
  if (!numeric(a)) throw new TemplateRuntimeError(`bad operand type for unary -: '${typeName(a)}'`, "type");
  return result(-num(a), isFloat(a));
}

export function pos(a: unknown): unknown {
  defined(a);
  if (!numeric(a)) throw new TemplateRuntimeError(`bad operand type for unary +: '${typeName(a)}'`, "type");
  return a;
}

/** Python ordering: numbers with numbers, strings with strings, lists element-wise. */
export function compareValues(a: unknown, b: unknown, op: string): number {
  defined(a);
  defined(b);
  if (numeric(a) && numeric(b)) return num(a) - num(b);
  if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      if (!pyEq(a[i], b[i])) return compareValues(a[i], b[i], op);
    }
    return a.length - b.length;
  }
  throw new TemplateRuntimeError(
    `'${op}' not supported between instances of '${typeName(a)}' and '${typeName(b)}'`,
    "type",
  );
}

export function compare(a: unknown, op: string, b: unknown): boolean {
  switch (op) {
    case "==":
    case "===":
      return pyEq(a, b);
    case "!=":
    case "!==":
      return !pyEq(a, b);
    case "<":
      return compareValues(a, b, op) < 0;
    case ">":
      return compareValues(a, b, op) > 0;
    case "<=":
      return compareValues(a, b, op) <= 0;
    case ">=":
      return compareValues(a, b, op) >= 0;
    default:
      throw new TemplateRuntimeError(`unknown comparison ${op}`);
  }
}

/** `needle in haystack`. */
export function contains(haystack: unknown, needle: unknown): boolean {
  defined(haystack);
  defined(needle);
  if (typeof haystack === "string") {
    if (typeof needle !== "string")
      throw new TemplateRuntimeError(
        `'in <string>' requires string as left operand, not ${typeName(needle)}`,
        "type",
      );
    return haystack.includes(needle);
  }
  if (Array.isArray(haystack)) return haystack.some((x) => pyEq(x, needle));
  if (haystack instanceof LazyDict) return typeof needle === "string" && haystack.has(needle);
  if (isDict(haystack)) return Object.prototype.hasOwnProperty.call(haystack, keyOf(needle));
  throw new TemplateRuntimeError(`argument of type '${typeName(haystack)}' is not iterable`, "type");
}

/** Dict keys are strings here; Python's int/bool keys are stored by their text. */
export function keyOf(k: unknown): string {
  if (typeof k === "string") return k;
  if (typeof k === "number") return String(k);
  if (k === true) return "True";
  if (k === false) return "False";
  if (k === null) return "None";
  if (k instanceof PyFloat) return String(k.value);
  throw new TemplateRuntimeError(`unhashable type: '${typeName(k)}'`, "type");
}

/** What `for x in value` walks: list items, dict keys, string characters. */
export function iterate(v: unknown): unknown[] {
  defined(v);
  if (Array.isArray(v)) return v;
  if (isMapping(v)) return mappingKeys(v);
  if (typeof v === "string") return Array.from(v);
  if (v === null || v === undefined)
    throw new TemplateRuntimeError("'NoneType' object is not iterable", "type");
  throw new TemplateRuntimeError(`'${typeName(v)}' object is not iterable`, "type");
}

/** Python's len(). */
export function length(v: unknown): number {
  defined(v);
  if (typeof v === "string") return Array.from(v).length;
  if (Array.isArray(v)) return v.length;
  if (isMapping(v)) return mappingKeys(v).length;
  throw new TemplateRuntimeError(`object of type '${typeName(v)}' has no len()`, "type");
}

/** `value[start:stop:step]` for lists and strings. */
export function slice(v: unknown, start: unknown, stop: unknown, step: unknown): unknown {
  defined(v);
  const seq = typeof v === "string" ? Array.from(v) : Array.isArray(v) ? v : null;
  if (!seq) throw new TemplateRuntimeError(`'${typeName(v)}' object is not subscriptable`, "type");
  const n = seq.length;
  const st = step === null || step === undefined ? 1 : num(step);
  if (st === 0) throw new TemplateRuntimeError("slice step cannot be zero", "value");
  const norm = (x: unknown, dflt: number, lo: number, hi: number): number => {
    if (x === null || x === undefined) return dflt;
    let i = num(x);
    if (i < 0) i += n;
    return Math.min(Math.max(i, lo), hi);
  };
  const out: unknown[] = [];
  if (st > 0) {
    const a = norm(start, 0, 0, n);
    const b = norm(stop, n, 0, n);
    for (let i = a; i < b; i += st) out.push(seq[i]);
  } else {
    const a = norm(start, n - 1, -1, n - 1);
    const b = norm(stop, -1, -1, n - 1);
    for (let i = a; i > b; i += st) out.push(seq[i]);
  }
  return typeof v === "string" ? out.join("") : out;
}

/** Jinja2's environment.getitem on plain data: `value[key]`, falling back to nothing (Undefined decided by caller). */
export function itemOf(obj: unknown, key: unknown): { found: true; value: unknown } | { found: false } {
  if (Array.isArray(obj) || typeof obj === "string") {
    if (typeof key !== "number" && typeof key !== "boolean") return { found: false };
    const seq = obj;
    let i = num(key);
    if (i < 0) i += seq.length;
    if (i < 0 || i >= seq.length) return { found: false };
    return { found: true, value: typeof seq === "string" ? Array.from(seq)[i] : seq[i] };
  }
  if (isMapping(obj)) {
    let k: string;
    try {
      k = keyOf(key);
    } catch {
      return { found: false };
    }
    const value = mappingGet(obj, k);
    return value === undefined ? { found: false } : { found: true, value };
  }
  return { found: false };
}
