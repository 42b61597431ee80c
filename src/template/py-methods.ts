/**
 * The Python methods templates call on values (`name.split('.')[0]`, `d.items()`, `x.startswith('a')`). Jinja2
 * exposes the real Python objects; here each method is re-implemented with Python's exact semantics (e.g. `split()`
 * without a separator splits on runs of whitespace, which JavaScript's `split` does not).
 */
import { iterate, keyOf } from "./operators.js";
import {
  isDict,
  isMapping,
  LazyDict,
  mappingGet,
  mappingKeys,
  num,
  pyEq,
  PyFunction,
  pyStr,
  TemplateRuntimeError,
  tuple,
  typeName,
  type Dict,
} from "./values.js";
import { pyFormat } from "./str-format.js";

type Method<T> = (self: T, args: unknown[], kwargs: Record<string, unknown>) => unknown;

const WS = " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\u2028\u2029";

function str(v: unknown, what: string): string {
  if (typeof v !== "string") throw new TemplateRuntimeError(`${what} arg must be None or str`, "type");
  return v;
}

function stripChars(s: string, chars: unknown, left: boolean, right: boolean): string {
  const set = chars === undefined || chars === null ? WS : str(chars, "strip");
  let a = 0;
  let b = s.length;
  if (left) while (a < b && set.includes(s[a] as string)) a++;
  if (right) while (b > a && set.includes(s[b - 1] as string)) b--;
  return s.slice(a, b);
}

export function pySplit(s: string, sep: unknown, maxsplit: number): string[] {
  if (sep === undefined || sep === null) {
    const out: string[] = [];
    let i = 0;
    while (i < s.length) {
      while (i < s.length && WS.includes(s[i] as string)) i++;
      if (i >= s.length) break;
      if (maxsplit >= 0 && out.length === maxsplit) {
        out.push(stripChars(s.slice(i), null, false, true));
        return out;
      }
      let j = i;
      while (j < s.length && !WS.includes(s[j] as string)) j++;
      out.push(s.slice(i, j));
      i = j;
    }
    return out;
  }
  const sp = str(sep, "split");
  if (sp === "") throw new TemplateRuntimeError("empty separator", "value");
  const parts = s.split(sp);
  if (maxsplit < 0 || parts.length <= maxsplit + 1) return parts;
  return [...parts.slice(0, maxsplit), parts.slice(maxsplit).join(sp)];
}

function pyRsplit(s: string, sep: unknown, maxsplit: number): string[] {
  if (maxsplit < 0) return pySplit(s, sep, -1);
  const rev = (x: string): string => Array.from(x).reverse().join("");
  const sepRev = sep === undefined || sep === null ? sep : rev(str(sep, "rsplit"));
  return pySplit(rev(s), sepRev, maxsplit).map(rev).reverse();
}

export function pyTitle(s: string): string {
  return s.replace(/[A-Za-z\u00C0-\uFFFF]+/g, (w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase());
}

export function pyCapitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1).toLowerCase();
}

function affix(s: string, arg: unknown, test: (s: string, a: string) => boolean): boolean {
  if (Array.isArray(arg)) return arg.some((a) => test(s, str(a, "startswith")));
  return test(s, str(arg, "startswith"));
}

function splitlines(s: string, keepends: boolean): string[] {
  const out: string[] = [];
  const re = /\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]/g;
  let last = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    out.push(s.slice(last, keepends ? m.index + m[0].length : m.index));
    last = m.index + m[0].length;
  }
  if (last < s.length) out.push(s.slice(last));
  return out;
}

const arg = (args: unknown[], i: number, kwargs: Record<string, unknown>, name: string): unknown =>
  i < args.length ? args[i] : kwargs[name];
const intArg = (
  args: unknown[],
  i: number,
  kwargs: Record<string, unknown>,
  name: string,
  dflt: number,
): number => {
  const v = arg(args, i, kwargs, name);
  return v === undefined || v === null ? dflt : num(v);
};

const strMethods: Record<string, Method<string>> = {
  split: (s, a, k) => pySplit(s, arg(a, 0, k, "sep"), intArg(a, 1, k, "maxsplit", -1)),
  rsplit: (s, a, k) => pyRsplit(s, arg(a, 0, k, "sep"), intArg(a, 1, k, "maxsplit", -1)),
  strip: (s, a) => stripChars(s, a[0], true, true),
  lstrip: (s, a) => stripChars(s, a[0], true, false),
  rstrip: (s, a) => stripChars(s, a[0], false, true),
  startswith: (s, a) => affix(s, a[0], (x, p) => x.startsWith(p)),
  endswith: (s, a) => affix(s, a[0], (x, p) => x.endsWith(p)),
  lower: (s) => s.toLowerCase(),
  upper: (s) => s.toUpperCase(),
  title: (s) => pyTitle(s),
  capitalize: (s) => pyCapitalize(s),
  swapcase: (s) => Array.from(s, (c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join(""),
  replace: (s, a) => {
    const [old, rep] = [str(a[0], "replace"), str(a[1], "replace")];
    const count = a[2] === undefined ? -1 : num(a[2]);
    if (count < 0) return s.split(old).join(rep);
    const parts = s.split(old);
    return (
      parts.slice(0, count + 1).join(rep) +
      (parts.length > count + 1 ? old + parts.slice(count + 1).join(old) : "")
    );
  },
  format: (s, a, k) => pyFormat(s, a, k),
  join: (s, a) =>
    iterate(a[0])
      .map((x) => {
        if (typeof x !== "string")
          throw new TemplateRuntimeError(
            `sequence item: expected str instance, ${typeName(x)} found`,
            "type",
          );
        return x;
      })
      .join(s),
  find: (s, a) => s.indexOf(str(a[0], "find"), a[1] === undefined ? 0 : num(a[1])),
  rfind: (s, a) => s.lastIndexOf(str(a[0], "rfind")),
  index: (s, a) => {
    const i = s.indexOf(str(a[0], "index"));
    if (i < 0) throw new TemplateRuntimeError("substring not found", "value");
    return i;
  },
  count: (s, a) => {
    const sub = str(a[0], "count");
    return sub === "" ? Array.from(s).length + 1 : s.split(sub).length - 1;
  },
  splitlines: (s, a, k) => splitlines(s, Boolean(arg(a, 0, k, "keepends"))),
  isdigit: (s) => s.length > 0 && /^\d+$/u.test(s),
  isnumeric: (s) => s.length > 0 && /^\p{N}+$/u.test(s),
  isalpha: (s) => s.length > 0 && /^\p{L}+$/u.test(s),
  isalnum: (s) => s.length > 0 && /^[\p{L}\p{N}]+$/u.test(s),
  isspace: (s) => s.length > 0 && Array.from(s).every((c) => WS.includes(c)),
  islower: (s) => /\p{Ll}/u.test(s) && s === s.toLowerCase(),
  isupper: (s) => /\p{Lu}/u.test(s) && s === s.toUpperCase(),
  zfill: (s, a) => {
    const w = num(a[0]);
    const sign = /^[-+]/.test(s) ? s[0] : "";
    return sign + s.slice(sign.length).padStart(w - sign.length, "0");
  },
  ljust: (s, a) => s.padEnd(num(a[0]), (a[1] as string | undefined) ?? " "),
  rjust: (s, a) => s.padStart(num(a[0]), (a[1] as string | undefined) ?? " "),
  center: (s, a) => {
    const w = num(a[0]);
    const fill = (a[1] as string | undefined) ?? " ";
    const total = w - s.length;
    if (total <= 0) return s;
    // CPython puts the extra space on the left when the string length and width are both odd.
    const left = Math.floor(total / 2) + (total & w & 1);
    return fill.repeat(left) + s + fill.repeat(total - left);
  },
  partition: (s, a) => {
    const sep = str(a[0], "partition");
    const i = s.indexOf(sep);
    return tuple(i < 0 ? [s, "", ""] : [s.slice(0, i), sep, s.slice(i + sep.length)]);
  },
  rpartition: (s, a) => {
    const sep = str(a[0], "rpartition");
    const i = s.lastIndexOf(sep);
    return tuple(i < 0 ? ["", "", s] : [s.slice(0, i), sep, s.slice(i + sep.length)]);
  },
  removeprefix: (s, a) => (s.startsWith(str(a[0], "removeprefix")) ? s.slice((a[0] as string).length) : s),
  removesuffix: (s, a) =>
    (a[0] as string) !== "" && s.endsWith(str(a[0], "removesuffix"))
      ? s.slice(0, -(a[0] as string).length)
      : s,
};

const listMethods: Record<string, Method<unknown[]>> = {
  index: (l, a) => {
    const i = l.findIndex((x) => pyEq(x, a[0]));
    if (i < 0) throw new TemplateRuntimeError(`${pyStr(a[0])} is not in list`, "value");
    return i;
  },
  count: (l, a) => l.filter((x) => pyEq(x, a[0])).length,
  append: (l, a) => {
    l.push(a[0]);
    return null;
  },
  extend: (l, a) => {
    l.push(...iterate(a[0]));
    return null;
  },
  insert: (l, a) => {
    l.splice(num(a[0]), 0, a[1]);
    return null;
  },
  pop: (l, a) => {
    if (l.length === 0) throw new TemplateRuntimeError("pop from empty list", "lookup");
    const i = a[0] === undefined ? l.length - 1 : num(a[0]);
    return l.splice(i < 0 ? l.length + i : i, 1)[0];
  },
  remove: (l, a) => {
    const i = l.findIndex((x) => pyEq(x, a[0]));
    if (i < 0) throw new TemplateRuntimeError("list.remove(x): x not in list", "value");
    l.splice(i, 1);
    return null;
  },
  copy: (l) => [...l],
};

const dictMethods: Record<string, Method<Dict | LazyDict>> = {
  keys: (d) => mappingKeys(d),
  values: (d) => mappingKeys(d).map((k) => mappingGet(d, k)),
  items: (d) => mappingKeys(d).map((k) => tuple([k, mappingGet(d, k)])),
  get: (d, a) => {
    const v = mappingGet(d, keyOf(a[0]));
    return v === undefined ? (a[1] ?? null) : v;
  },
  copy: (d) => (d instanceof LazyDict ? d : { ...d }),
  update: (d, a, k) => {
    if (!isDict(d)) throw new TemplateRuntimeError("this mapping cannot be changed", "type");
    const src = a[0];
    if (isMapping(src)) for (const key of mappingKeys(src)) d[key] = mappingGet(src, key);
    Object.assign(d, k);
    return null;
  },
  pop: (d, a) => {
    if (!isDict(d)) throw new TemplateRuntimeError("this mapping cannot be changed", "type");
    const key = keyOf(a[0]);
    if (!(key in d)) {
      if (a.length > 1) return a[1];
      throw new TemplateRuntimeError(`'${key}'`, "lookup");
    }
    const v = d[key];
    delete d[key];
    return v;
  },
  setdefault: (d, a) => {
    if (!isDict(d)) throw new TemplateRuntimeError("this mapping cannot be changed", "type");
    const key = keyOf(a[0]);
    if (!(key in d)) d[key] = a[1] ?? null;
    return d[key];
  },
};

/** The bound method `obj.name`, or undefined when the type has no such method. */
export function pyMethod(obj: unknown, name: string): PyFunction | undefined {
  let table: Record<string, Method<never>> | undefined;
  if (typeof obj === "string") table = strMethods;
  else if (Array.isArray(obj)) table = listMethods;
  else if (isMapping(obj)) table = dictMethods;
  const m = table && Object.prototype.hasOwnProperty.call(table, name) ? table[name] : undefined;
  if (!m) return undefined;
  return new PyFunction(name, (args, kwargs) => (m as Method<unknown>)(obj, args, kwargs));
}
