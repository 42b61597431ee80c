/**
 * The Python value model templates work on. Jinja2 runs on Python objects, so a few distinctions JavaScript lacks
 * must be kept explicitly: a float that happens to be whole (`10 / 2` prints `5.0`), Jinja2's Undefined (an error
 * waiting to happen, unless `default` or `is defined` looks at it), `namespace()` objects and callables that take
 * keyword arguments. Lists are JS arrays, dicts are plain objects, None is `null`.
 */

/** Raised for any Python-level error inside a template (TypeError, ValueError, undefined variable...). */
export class TemplateRuntimeError extends Error {
  constructor(
    message: string,
    readonly kind: "undefined" | "type" | "value" | "lookup" | "other" = "other",
  ) {
    super(message);
    this.name = "TemplateRuntimeError";
  }
}

/** Ansible's AnsibleUndefined: attribute/item access keeps it; anything else fails with its message. */
export class Undefined {
  /** `lenient`: Jinja2's plain Undefined (an inline if without else), which prints as "" instead of failing. */
  constructor(
    readonly message: string,
    readonly lenient = false,
  ) {}
  fail(): never {
    throw new TemplateRuntimeError(this.message, "undefined");
  }
  static variable(name: string): Undefined {
    return new Undefined(`'${name}' is undefined`);
  }
}

/** A Python float. Only needed when the value is whole (otherwise a JS number already prints as a float). */
export class PyFloat {
  constructor(readonly value: number) {}
  valueOf(): number {
    return this.value;
  }
  toJSON(): number {
    return this.value;
  }
}

/** Jinja2's `namespace()`: the one object a `{% set ns.x = ... %}` inside a loop may change. */
export class Namespace {
  readonly attrs: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
}

/** A callable that receives positional and keyword arguments the Python way. */
export class PyFunction {
  constructor(
    readonly name: string,
    readonly fn: (args: unknown[], kwargs: Record<string, unknown>) => unknown,
  ) {}
}

/**
 * A mapping whose entries are computed on demand (e.g. `hostvars`): templating never walks into it eagerly, and
 * each key is resolved only when a template reads it.
 */
export class LazyDict {
  constructor(
    readonly keys: () => string[],
    readonly get: (key: string) => unknown,
    readonly has: (key: string) => boolean = (k) => keys().includes(k),
  ) {}
}

/** A Python tuple (dict.items(), zip, regex groups): a list that prints as `(a, b)`. */
export class PyTuple extends Array<unknown> {
  // Derived arrays (map, filter, slice) are plain lists, as Python builds lists from tuples.
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }
}

export function tuple(items: unknown[]): PyTuple {
  const t = new PyTuple();
  t.push(...items);
  return t;
}

export type Dict = Record<string, unknown>;

export function isDict(v: unknown): v is Dict {
  if (typeof v !== "object" || v === null) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

export function isMapping(v: unknown): v is Dict | LazyDict {
  return isDict(v) || v instanceof LazyDict;
}

export function isNumber(v: unknown): v is number | PyFloat {
  return typeof v === "number" || v instanceof PyFloat;
}

export function isFloat(v: unknown): boolean {
  return v instanceof PyFloat || (typeof v === "number" && !Number.isInteger(v));
}

/** The number inside an int, float or bool (Python treats True as 1). */
export function num(v: unknown): number {
  if (typeof v === "number") return v;
  if (v instanceof PyFloat) return v.value;
  if (typeof v === "boolean") return v ? 1 : 0;
  throw new TemplateRuntimeError(`expected a number, got ${typeName(v)}`, "type");
}

export function mappingKeys(v: Dict | LazyDict): string[] {
  return v instanceof LazyDict ? v.keys() : Object.keys(v);
}

export function mappingGet(v: Dict | LazyDict, key: string): unknown {
  if (v instanceof LazyDict) return v.has(key) ? v.get(key) : undefined;
  return Object.prototype.hasOwnProperty.call(v, key) ? v[key] : undefined;
}

/** Python's type name, as Jinja2 error messages use it ("'dict object' has no attribute 'x'"). */
export function typeName(v: unknown): string {
  if (v === null || v === undefined) return "NoneType";
  if (typeof v === "string") return "str";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "number") return Number.isInteger(v) ? "int" : "float";
  if (v instanceof PyFloat) return "float";
  if (v instanceof PyTuple) return "tuple";
  if (Array.isArray(v)) return "list";
  if (v instanceof Undefined) return "AnsibleUndefined";
  if (v instanceof Namespace) return "Namespace";
  if (v instanceof PyFunction || typeof v === "function") return "function";
  if (isMapping(v)) return "dict";
  return "object";
}

/** Python truthiness. Undefined fails, as StrictUndefined's __bool__ does. */
export function truthy(v: unknown): boolean {
  if (v instanceof Undefined) return v.lenient ? false : v.fail();
  if (v === null || v === undefined || v === false) return false;
  if (v === true) return true;
  if (typeof v === "string") return v.length > 0;
  if (typeof v === "number") return v !== 0;
  if (v instanceof PyFloat) return v.value !== 0;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof LazyDict) return v.keys().length > 0;
  if (isDict(v)) return Object.keys(v).length > 0;
  return true;
}

/** Python's repr() of a float: shortest round-trip digits, exponent outside 1e-4..1e16, always a `.0`. */
export function floatRepr(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const [mant, expStr] = x.toExponential().split("e") as [string, string];
  const exp = Number(expStr);
  if (exp < -4 || exp >= 16) {
    const m = mant.includes(".") ? mant : mant;
    return `${m}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  }
  const s = String(x);
  const fixed = s.includes("e") ? x.toFixed(Math.max(0, -exp + (mant.replace(/[-.]/g, "").length - 1))) : s;
  return fixed.includes(".") ? fixed : `${fixed}.0`;
}

/** Python's repr() of a str: single quotes unless the text has ' and no ". */
export function strRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (ch === quote || ch === "\\") out += "\\" + ch;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (c < 0x20 || (c >= 0x7f && c < 0xa0)) out += "\\x" + c.toString(16).padStart(2, "0");
    else out += ch;
  }
  return out + quote;
}

/** Python's repr(): how a value looks inside a printed list or dict. */
export function pyRepr(v: unknown): string {
  if (typeof v === "string") return strRepr(v);
  if (v instanceof PyTuple) return v.length === 1 ? `(${pyRepr(v[0])},)` : `(${v.map(pyRepr).join(", ")})`;
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(", ")}]`;
  if (v instanceof LazyDict || isDict(v)) {
    const keys = mappingKeys(v);
    return `{${keys.map((k) => `${strRepr(k)}: ${pyRepr(mappingGet(v, k))}`).join(", ")}}`;
  }
  return pyStr(v);
}

/** Python's str(): how a value prints in template output. */
export function pyStr(v: unknown): string {
  if (typeof v === "string") return v;
  if (v === null || v === undefined) return "None";
  if (v === true) return "True";
  if (v === false) return "False";
  if (typeof v === "number") return Number.isInteger(v) ? intStr(v) : floatRepr(v);
  if (v instanceof PyFloat) return floatRepr(v.value);
  if (v instanceof Undefined) return v.lenient ? "" : v.fail();
  if (Array.isArray(v) || isMapping(v)) return pyRepr(v);
  if (v instanceof Namespace) return `<Namespace ${pyRepr({ ...v.attrs })}>`;
  if (v instanceof PyFunction) return `<built-in method ${v.name}>`;
  return String(v);
}

function intStr(v: number): string {
  return Math.abs(v) < 1e21 ? String(v) : BigInt(v).toString();
}

/** Python's equality: 1 == 1.0 == True, lists and dicts compare by content. */
export function pyEq(a: unknown, b: unknown): boolean {
  if (a instanceof Undefined) a.fail();
  if (b instanceof Undefined) b.fail();
  if ((isNumber(a) || typeof a === "boolean") && (isNumber(b) || typeof b === "boolean"))
    return num(a) === num(b);
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return a == b;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => pyEq(x, b[i]));
  if (isMapping(a) && isMapping(b)) {
    const ka = mappingKeys(a);
    const kb = mappingKeys(b);
    if (ka.length !== kb.length) return false;
    return ka.every((k) => kb.includes(k) && pyEq(mappingGet(a, k), mappingGet(b, k)));
  }
  return false;
}
