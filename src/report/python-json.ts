/**
 * `json.dumps(value, sort_keys=True, ensure_ascii=False, indent=…)` as Python prints it, which is what Ansible's
 * callbacks show: `", "`/`": "` separators on one line, `","` + newline with an indent, floats in Python's repr
 * (`1e-05`, `1e+16`), NaN/Infinity bare, non-ASCII text left as is.
 */

export interface PythonJsonOptions {
  /** Spaces per level; undefined prints everything on one line. */
  indent?: number;
  sortKeys?: boolean;
}

export function pythonJson(value: unknown, options: PythonJsonOptions = {}): string {
  return encode(value, options, 0, new Set());
}

function encode(value: unknown, opts: PythonJsonOptions, depth: number, seen: Set<object>): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") return pythonFloatRepr(value);
  if (typeof value === "bigint") return value.toString();
  if (typeof value !== "object") return JSON.stringify(String(value));
  // Values that know their own JSON form (VaultString prints <vaulted>, Date its ISO time).
  const withToJSON = value as { toJSON?: () => unknown };
  if (typeof withToJSON.toJSON === "function") return encode(withToJSON.toJSON(), opts, depth, seen);
  if (seen.has(value)) return JSON.stringify("<circular reference>");
  seen.add(value);
  try {
    if (Array.isArray(value) || value instanceof Set) {
      const items = [...value].map((item) => encode(item, opts, depth + 1, seen));
      return wrap("[", "]", items, opts, depth);
    }
    const entries =
      value instanceof Map
        ? [...value.entries()].map(([k, v]) => [String(k), v] as const)
        : Object.entries(value);
    const kept = entries.filter(([, v]) => v !== undefined && typeof v !== "function");
    if (opts.sortKeys) kept.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const items = kept.map(([k, v]) => `${JSON.stringify(k)}: ${encode(v, opts, depth + 1, seen)}`);
    return wrap("{", "}", items, opts, depth);
  } finally {
    seen.delete(value);
  }
}

function wrap(open: string, close: string, items: string[], opts: PythonJsonOptions, depth: number): string {
  if (items.length === 0) return open + close;
  if (opts.indent === undefined) return open + items.join(", ") + close;
  const inner = "\n" + " ".repeat(opts.indent * (depth + 1));
  return open + inner + items.join("," + inner) + "\n" + " ".repeat(opts.indent * depth) + close;
}

/**
 * Python's repr of a number. JavaScript cannot tell 1 from 1.0, so integral values print as integers (what a YAML
 * or module integer is); other values switch to exponent form where Python does (exponent < -4 or >= 16).
 */
export function pythonFloatRepr(n: number): string {
  if (Number.isNaN(n)) return "NaN";
  if (!Number.isFinite(n)) return n > 0 ? "Infinity" : "-Infinity";
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return String(n);
  const [mantissa, exp] = n.toExponential().split("e") as [string, string];
  const exponent = Number(exp);
  if (exponent >= -4 && exponent < 16) return String(n);
  const sign = exponent < 0 ? "-" : "+";
  return `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, "0")}`;
}
