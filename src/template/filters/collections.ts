/**
 * List and dict filters, Jinja2's (first, last, map, select, sort, unique, dictsort, groupby, sum, min, max) and
 * Ansible's (combine, dict2items, items2dict, union/intersect/difference, flatten, zip, subelements, extract).
 * Case-insensitive defaults (sort, unique, min, max) are Jinja2's.
 */
import { compareValues, iterate, keyOf } from "../operators.js";
import { need, param, type FilterFn, type RenderScope } from "../registry.js";
import { pyRuntime } from "../runtime.js";
import {
  isDict,
  isMapping,
  mappingGet,
  mappingKeys,
  pyEq,
  pyStr,
  TemplateRuntimeError,
  truthy,
  tuple,
  Undefined,
  type Dict,
} from "../values.js";
import { add } from "../operators.js";

/** Jinja2's make_attrgetter: `attribute='a.b.0'` walks items (ints for digit parts). */
export function attributeGetter(
  attribute: unknown,
  _scope?: RenderScope,
  dflt?: unknown,
): (item: unknown) => unknown {
  const parts =
    typeof attribute === "string"
      ? attribute.split(".").map((p) => (/^\d+$/.test(p) ? Number(p) : p))
      : [attribute];
  return (item) => {
    let v = item;
    for (const p of parts) {
      v = pyRuntime.item(v, p);
      if (v instanceof Undefined) return dflt !== undefined ? dflt : v;
    }
    return v;
  };
}

function sortKey(caseSensitive: boolean): (v: unknown) => unknown {
  return (v) => (!caseSensitive && typeof v === "string" ? v.toLowerCase() : v);
}

function sorted(items: unknown[], key: (v: unknown) => unknown, reverse: boolean): unknown[] {
  const keyed = items.map((v) => ({ v, k: key(v) }));
  keyed.sort((a, b) => (reverse ? -1 : 1) * compareValues(a.k, b.k, "<"));
  return keyed.map((x) => x.v);
}

/** Jinja2's unique (case-insensitive unless asked), keeping first occurrences. */
function uniqueOf(items: unknown[], caseSensitive: boolean, attribute: unknown = null): unknown[] {
  const get = attribute === null ? (x: unknown) => x : attributeGetter(attribute);
  const key = sortKey(caseSensitive);
  const seen: unknown[] = [];
  const out: unknown[] = [];
  for (const item of items) {
    const k = key(get(item));
    if (seen.some((s) => pyEq(s, k))) continue;
    seen.push(k);
    out.push(item);
  }
  return out;
}

/** Ansible's merge_hash (combine with recursive / list_merge). */
function mergeHash(x: Dict, y: Dict, recursive: boolean, listMerge: string): Dict {
  const out: Dict = { ...x };
  for (const [k, yv] of Object.entries(y)) {
    const xv = out[k];
    if (!(k in out)) out[k] = yv;
    else if (recursive && isDict(xv) && isDict(yv)) out[k] = mergeHash(xv, yv, recursive, listMerge);
    else if (Array.isArray(xv) && Array.isArray(yv) && listMerge !== "replace") {
      switch (listMerge) {
        case "keep":
          break;
        case "append":
          out[k] = [...xv, ...yv];
          break;
        case "prepend":
          out[k] = [...yv, ...xv];
          break;
        case "append_rp":
          out[k] = [...xv.filter((e) => !yv.some((f) => pyEq(e, f))), ...yv];
          break;
        case "prepend_rp":
          out[k] = [...yv, ...xv.filter((e) => !yv.some((f) => pyEq(e, f)))];
          break;
        default:
          throw new TemplateRuntimeError(
            `merge_hash: 'list_merge' argument can only be equal to 'replace', 'keep', 'append', 'prepend', 'append_rp' or 'prepend_rp'`,
            "value",
          );
      }
    } else out[k] = yv;
  }
  return out;
}

function flatten(list: unknown[], levels: number | null, skipNulls: boolean): unknown[] {
  const out: unknown[] = [];
  for (const el of list) {
    if (skipNulls && (el === null || el === "None" || el === "null")) continue;
    if (Array.isArray(el)) {
      if (levels === null) out.push(...flatten(el, null, skipNulls));
      else if (levels >= 1) out.push(...flatten(el, levels - 1, skipNulls));
      else out.push(el);
    } else out.push(el);
  }
  return out;
}

function asDict(v: unknown, what: string): Dict {
  need(v);
  if (isDict(v)) return v;
  if (isMapping(v)) return Object.fromEntries(mappingKeys(v).map((k) => [k, mappingGet(v, k)]));
  throw new TemplateRuntimeError(`${what} expects a dict`, "type");
}

function selectOrReject(keep: boolean, byAttr: boolean): FilterFn {
  return (value, args, kwargs, scope) => {
    const items = iterate(value);
    let rest = args;
    let get = (x: unknown): unknown => x;
    if (byAttr) {
      get = attributeGetter(args[0]);
      rest = args.slice(1);
    }
    const testName = rest[0];
    const testArgs = rest.slice(1);
    return items.filter((item) => {
      const v = get(item);
      const ok = testName === undefined ? truthy(v) : scope.test(pyStr(testName), v, testArgs, kwargs);
      return ok === keep;
    });
  };
}

function minMax(sign: number): FilterFn {
  return (value, args, kwargs) => {
    const items = iterate(value);
    if (items.length === 0) return new Undefined(`No aggregated item, sequence was empty.`);
    const caseSensitive = truthy(param(args, kwargs, 0, "case_sensitive", false));
    const attribute = param(args, kwargs, 1, "attribute", null);
    const get = attribute === null ? (x: unknown) => x : attributeGetter(attribute);
    const key = sortKey(caseSensitive);
    let best = items[0];
    for (const item of items.slice(1)) {
      if (sign * compareValues(key(get(item)), key(get(best)), "<") > 0) best = item;
    }
    return best;
  };
}

export const collectionFilters: Record<string, FilterFn> = {
  first: (value) => {
    const items = iterate(value);
    return items.length ? items[0] : new Undefined("No first item, sequence was empty.");
  },
  last: (value) => {
    const items = iterate(value);
    return items.length ? items[items.length - 1] : new Undefined("No last item, sequence was empty.");
  },
  combine: (value, args, kwargs) => {
    const recursive = truthy(kwargs.recursive ?? false);
    const listMerge = pyStr(kwargs.list_merge ?? "replace");
    const dicts = [value, ...args]
      .flatMap((d) => (Array.isArray(d) ? d : [d]))
      .map((d) => asDict(d, "combine"));
    return dicts.slice(1).reduce((acc, d) => mergeHash(acc, d, recursive, listMerge), { ...dicts[0] });
  },
  dict2items: (value, args, kwargs) => {
    const keyName = pyStr(param(args, kwargs, 0, "key_name", "key"));
    const valueName = pyStr(param(args, kwargs, 1, "value_name", "value"));
    need(value);
    if (!isMapping(value))
      throw new TemplateRuntimeError(
        `dict2items requires a dictionary, got ${typeof value} instead.`,
        "type",
      );
    return mappingKeys(value).map((k) => ({ [keyName]: k, [valueName]: mappingGet(value, k) }));
  },
  items2dict: (value, args, kwargs) => {
    const keyName = pyStr(param(args, kwargs, 0, "key_name", "key"));
    const valueName = pyStr(param(args, kwargs, 1, "value_name", "value"));
    const out: Dict = {};
    for (const item of iterate(value)) {
      if (!isMapping(item))
        throw new TemplateRuntimeError("items2dict requires a list of dictionaries", "type");
      out[keyOf(mappingGet(item, keyName))] = mappingGet(item, valueName);
    }
    return out;
  },
  map: (value, args, kwargs, scope) => {
    const items = iterate(value);
    if (args.length === 0 && "attribute" in kwargs) {
      const get = attributeGetter(kwargs.attribute, scope, kwargs.default);
      return items.map(get);
    }
    const name = pyStr(args[0]);
    return items.map((item) => scope.filter(name, item, args.slice(1), kwargs));
  },
  select: selectOrReject(true, false),
  reject: selectOrReject(false, false),
  selectattr: selectOrReject(true, true),
  rejectattr: selectOrReject(false, true),
  unique: (value, args, kwargs) =>
    uniqueOf(
      iterate(value),
      truthy(param(args, kwargs, 0, "case_sensitive", false)),
      param(args, kwargs, 1, "attribute", null),
    ),
  union: (value, args) => uniqueOf([...iterate(value), ...iterate(args[0])], true),
  intersect: (value, args) => {
    const other = iterate(args[0]);
    return uniqueOf(iterate(value), true).filter((x) => other.some((y) => pyEq(x, y)));
  },
  difference: (value, args) => {
    const other = iterate(args[0]);
    return uniqueOf(iterate(value), true).filter((x) => !other.some((y) => pyEq(x, y)));
  },
  symmetric_difference: (value, args) => {
    const a = iterate(value);
    const b = iterate(args[0]);
    const both = uniqueOf(a, true).filter((x) => b.some((y) => pyEq(x, y)));
    return uniqueOf([...a, ...b], true).filter((x) => !both.some((y) => pyEq(x, y)));
  },
  sort: (value, args, kwargs) => {
    const reverse = truthy(param(args, kwargs, 0, "reverse", false));
    const caseSensitive = truthy(param(args, kwargs, 1, "case_sensitive", false));
    const attribute = param(args, kwargs, 2, "attribute", null);
    const get = attribute === null ? (x: unknown) => x : attributeGetter(attribute);
    const key = sortKey(caseSensitive);
    return sorted(iterate(value), (v) => key(get(v)), reverse);
  },
  min: minMax(-1),
  max: minMax(1),
  sum: (value, args, kwargs) => {
    const attribute = param(args, kwargs, 0, "attribute", null);
    const get = attribute === null ? (x: unknown) => x : attributeGetter(attribute);
    return iterate(value).reduce((acc, x) => add(acc, get(x)), param(args, kwargs, 1, "start", 0));
  },
  dictsort: (value, args, kwargs) => {
    const caseSensitive = truthy(param(args, kwargs, 0, "case_sensitive", false));
    const by = pyStr(param(args, kwargs, 1, "by", "key"));
    const reverse = truthy(param(args, kwargs, 2, "reverse", false));
    const d = asDict(value, "dictsort");
    const key = sortKey(caseSensitive);
    const pos = by === "value" ? 1 : 0;
    return sorted(Object.entries(d).map(tuple), (e) => key((e as unknown[])[pos]), reverse);
  },
  groupby: (value, args, kwargs) => {
    const get = attributeGetter(param(args, kwargs, 0, "attribute", null), undefined, kwargs.default);
    const caseSensitive = truthy(kwargs.case_sensitive ?? false);
    const key = sortKey(caseSensitive);
    const groups: [unknown, unknown[]][] = [];
    for (const item of sorted(iterate(value), (v) => key(get(v)), false)) {
      const k = key(get(item));
      const last = groups[groups.length - 1];
      if (last && pyEq(key(last[0]), k)) last[1].push(item);
      else groups.push([get(item), [item]]);
    }
    return groups;
  },
  flatten: (value, args, kwargs) => {
    const levels = param(args, kwargs, 0, "levels", null);
    return flatten(
      iterate(value),
      levels === null ? null : Number(levels),
      truthy(param(args, kwargs, 1, "skip_nulls", true)),
    );
  },
  zip: (value, args) => {
    const lists = [iterate(value), ...args.map(iterate)];
    const n = Math.min(...lists.map((l) => l.length));
    return Array.from({ length: n }, (_, i) => tuple(lists.map((l) => l[i])));
  },
  zip_longest: (value, args, kwargs) => {
    const lists = [iterate(value), ...args.map(iterate)];
    const fill = kwargs.fillvalue ?? null;
    const n = Math.max(...lists.map((l) => l.length));
    return Array.from({ length: n }, (_, i) => tuple(lists.map((l) => (i < l.length ? l[i] : fill))));
  },
  subelements: (value, args, kwargs) => {
    const path = pyStr(args[0]).split(".");
    const skipMissing = truthy(param(args, kwargs, 1, "skip_missing", false));
    const items = isMapping(value) ? mappingKeys(value).map((k) => mappingGet(value, k)) : iterate(value);
    const out: unknown[] = [];
    for (const item of items) {
      let sub: unknown = item;
      let missing = false;
      for (const p of path) {
        const v = isMapping(sub) ? mappingGet(sub, p) : undefined;
        if (v === undefined) {
          if (!skipMissing)
            throw new TemplateRuntimeError(
              `could not find '${p}' key in iterated item '${pyStr(sub)}'`,
              "lookup",
            );
          missing = true;
          break;
        }
        sub = v;
      }
      if (missing) continue;
      if (!Array.isArray(sub))
        throw new TemplateRuntimeError(
          `the key ${path.join(".")} should point to a list, got '${pyStr(sub)}'`,
          "type",
        );
      for (const s of sub) out.push(tuple([item, s]));
    }
    return out;
  },
  extract: (item, args) => {
    let v = pyRuntime.item(args[0], item);
    const more = args[1];
    if (more !== undefined && more !== null)
      for (const k of Array.isArray(more) ? more : [more]) v = pyRuntime.item(v, k);
    return v;
  },
  attr: (value, args) => pyRuntime.attr(value, args[0]),
  batch: (value, args, kwargs) => {
    const size = Number(param(args, kwargs, 0, "linecount", 1));
    const fill = param(args, kwargs, 1, "fill_with", null);
    const items = iterate(value);
    const out: unknown[][] = [];
    for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
    const last = out[out.length - 1];
    if (fill !== null && last) while (last.length < size) last.push(fill);
    return out;
  },
};
