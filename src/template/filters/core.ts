/**
 * Filters about undefinedness and type conversion: default, mandatory, bool, int, float, string, list, ternary,
 * length. Conversions follow Python (`int('0x1A', 16)`, `'yes' | bool`, `3.7 | int` truncates).
 */
import { iterate, length } from "../operators.js";
import { need, param, type FilterFn } from "../registry.js";
import {
  isFloat,
  isMapping,
  num,
  PyFloat,
  pyStr,
  TemplateRuntimeError,
  truthy,
  typeName,
  Undefined,
} from "../values.js";

const defaultFilter: FilterFn = (value, args, kwargs) => {
  const dflt = param(args, kwargs, 0, "default_value", "");
  const boolean = truthy(param(args, kwargs, 1, "boolean", false));
  if (value instanceof Undefined) return dflt;
  if (boolean && !truthy(value)) return dflt;
  return value;
};

/** Ansible's `bool` filter: yes/on/1/true (any case) are True, everything else False. */
export function toBool(value: unknown): boolean {
  need(value);
  if (typeof value === "boolean") return value;
  if (value === null || value === undefined) return false;
  if (typeof value === "number" || value instanceof PyFloat) return num(value) === 1;
  return ["yes", "on", "1", "true"].includes(pyStr(value).toLowerCase().trim());
}

/** Jinja2's `int`: numbers truncate, strings parse (with base), failures give the default (0). */
export function toInt(value: unknown, dflt: unknown = 0, base = 10): unknown {
  need(value);
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value === "number" || value instanceof PyFloat) return Math.trunc(num(value));
  if (typeof value === "string") {
    const s = value.trim().replace(/_/g, "");
    if (base === 10 && /^[-+]?\d+$/.test(s)) return parseInt(s, 10);
    if (base !== 10) {
      const body = s.replace(/^([-+]?)0[xob]/i, "$1");
      const n = parseInt(body, base);
      if (!Number.isNaN(n) && new RegExp(`^[-+]?[0-9a-z]+$`, "i").test(body)) return n;
    }
    if (/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(s)) return Math.trunc(parseFloat(s));
  }
  return dflt;
}

export function toFloat(value: unknown, dflt: unknown = new PyFloat(0)): unknown {
  need(value);
  if (typeof value === "boolean") return new PyFloat(value ? 1 : 0);
  if (typeof value === "number" || value instanceof PyFloat) return new PyFloat(num(value));
  if (typeof value === "string") {
    const s = value.trim().toLowerCase();
    if (/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/.test(s)) return new PyFloat(parseFloat(s));
    if (/^[-+]?(inf|infinity)$/.test(s)) return new PyFloat(s.startsWith("-") ? -Infinity : Infinity);
    if (/^[-+]?nan$/.test(s)) return new PyFloat(NaN);
  }
  return dflt;
}

export const coreFilters: Record<string, FilterFn> = {
  default: defaultFilter,
  d: defaultFilter,
  mandatory: (value, args, kwargs) => {
    if (value instanceof Undefined) {
      const msg = param(args, kwargs, 0, "msg", null);
      if (msg !== null) throw new TemplateRuntimeError(pyStr(msg), "undefined");
      throw new TemplateRuntimeError(
        `Mandatory variable ${value.message.replace(/ is undefined$/, "")}  not defined.`,
        "undefined",
      );
    }
    return value;
  },
  bool: (value) => toBool(value),
  int: (value, args, kwargs) =>
    toInt(value, param(args, kwargs, 0, "default", 0), num(param(args, kwargs, 1, "base", 10))),
  float: (value, args, kwargs) => toFloat(value, param(args, kwargs, 0, "default", new PyFloat(0))),
  string: (value) => pyStr(need(value)),
  list: (value) => [...iterate(value)],
  length: (value) => length(value),
  count: (value) => length(value),
  ternary: (value, args, kwargs) => {
    const t = param(args, kwargs, 0, "true_val", undefined);
    const f = param(args, kwargs, 1, "false_val", undefined);
    const none = param(args, kwargs, 2, "none_val", null);
    if (value === null && none !== null) return none;
    return truthy(value) ? t : f;
  },
  type_debug: (value) => {
    need(value);
    if (typeof value === "string") return "str";
    if (isMapping(value)) return "dict";
    return isFloat(value) ? "float" : typeName(value);
  },
  abs: (value) => {
    const n = num(need(value));
    return isFloat(value) ? new PyFloat(Math.abs(n)) : Math.abs(n);
  },
  round: (value, args, kwargs) => {
    const precision = num(param(args, kwargs, 0, "precision", 0));
    const method = pyStr(param(args, kwargs, 1, "method", "common"));
    const factor = 10 ** precision;
    const n = num(need(value)) * factor;
    const r =
      method === "ceil"
        ? Math.ceil(n)
        : method === "floor"
          ? Math.floor(n)
          : Math.sign(n) * Math.round(Math.abs(n));
    return new PyFloat(r / factor);
  },
};
