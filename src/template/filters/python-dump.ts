/**
 * Python's json.dumps and PyYAML's yaml.dump output formats, as Ansible's to_json/to_nice_json/to_yaml/
 * to_nice_yaml print them (key order, separators, float spelling, ASCII escaping, quoting of ambiguous strings).
 */
import {
  floatRepr,
  isFloat,
  isMapping,
  LazyDict,
  mappingGet,
  mappingKeys,
  num,
  PyFloat,
  pyStr,
  TemplateRuntimeError,
  Undefined,
} from "../values.js";

export interface JsonOptions {
  indent?: number;
  sortKeys?: boolean;
  ensureAscii?: boolean;
  separators?: [string, string];
}

function jsonString(s: string, ascii: boolean): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\b") out += "\\b";
    else if (ch === "\f") out += "\\f";
    else if (c < 0x20 || (ascii && c > 0x7e)) {
      if (c > 0xffff) {
        const v = c - 0x10000;
        out += `\\u${(0xd800 + (v >> 10)).toString(16)}\\u${(0xdc00 + (v & 0x3ff)).toString(16)}`;
      } else out += `\\u${c.toString(16).padStart(4, "0")}`;
    } else out += ch;
  }
  return out + '"';
}

function entries(v: object, sort: boolean): [string, unknown][] {
  const keys = mappingKeys(v as Record<string, unknown>);
  if (sort) keys.sort();
  return keys.map((k) => [k, mappingGet(v as Record<string, unknown>, k)]);
}

export function pyJsonDumps(value: unknown, opts: JsonOptions = {}): string {
  const ascii = opts.ensureAscii ?? true;
  const indent = opts.indent;
  const [itemSep, keySep] = opts.separators ?? (indent !== undefined ? [",", ": "] : [", ", ": "]);
  const enc = (v: unknown, level: number): string => {
    if (v instanceof Undefined) v.fail();
    if (v === null || v === undefined) return "null";
    if (v === true) return "true";
    if (v === false) return "false";
    if (typeof v === "string") return jsonString(v, ascii);
    if (typeof v === "number" || v instanceof PyFloat) {
      const n = num(v);
      if (Number.isNaN(n)) return "NaN";
      if (!Number.isFinite(n)) return n > 0 ? "Infinity" : "-Infinity";
      return isFloat(v) ? floatRepr(n) : String(n);
    }
    const nl = indent !== undefined ? "\n" + " ".repeat(indent * (level + 1)) : "";
    const close = indent !== undefined ? "\n" + " ".repeat(indent * level) : "";
    if (Array.isArray(v)) {
      if (v.length === 0) return "[]";
      return "[" + nl + v.map((x) => enc(x, level + 1)).join(itemSep + nl) + close + "]";
    }
    if (isMapping(v)) {
      const e = entries(v, opts.sortKeys ?? false);
      if (e.length === 0) return "{}";
      return (
        "{" +
        nl +
        e.map(([k, x]) => jsonString(k, ascii) + keySep + enc(x, level + 1)).join(itemSep + nl) +
        close +
        "}"
      );
    }
    throw new TemplateRuntimeError(`Object of type ${pyStr(v)} is not JSON serializable`, "type");
  };
  return enc(value, 0);
}

// ---- YAML (PyYAML's emitter, for the value shapes Ansible variables have) ----

const RESOLVES_AS_OTHER =
  /^(?:~|null|Null|NULL|yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|[-+]?(?:0|[1-9][0-9_]*)|0[0-7_]+|0x[0-9a-fA-F_]+|0b[01_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+|[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)|<<|=|\d{4}-\d\d?-\d\d?(?:[Tt ].*)?)$/;

function plainAllowed(s: string, flow: boolean): boolean {
  if (s === "" || RESOLVES_AS_OTHER.test(s)) return false;
  if (/^[\s]|[\s]$/.test(s)) return false;
  if (/^[-?:,[\]{}#&*!|>'"%@`]/.test(s) && !(/^[-?:]/.test(s) && s.length > 1 && !/^[-?:]\s/.test(s)))
    return false;
  if (/[\n\r\x85\u2028\u2029]/.test(s)) return false;
  if (/: |:$| #/.test(s)) return false;
  if (flow && /[,[\]{}]/.test(s)) return false;

  if (/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufeff]/.test(s)) return false;
  return true;
}

function yamlDoubleQuoted(s: string): string {
  return (
    '"' +
    s.replace(/[\\"\n\r\t\x00-\x1f\x7f-\x9f\u2028\u2029]/g, (c) => {
      const map: Record<string, string> = {
        "\\": "\\\\",
        '"': '\\"',
        "\n": "\\n",
        "\r": "\\r",
        "\t": "\\t",
        "\0": "\\0",
      };
      return map[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`;
    }) +
    '"'
  );
}

/** PyYAML's single-quoted style: each line break becomes a blank line, continuation lines are indented. */
function singleQuoted(s: string, indent: number): string {
  const body = s
    .replace(/'/g, "''")
    .replace(/\n+/g, (run) => "\n" + "\n".repeat(run.length) + " ".repeat(indent));
  return `'${body}'`;
}

function yamlScalar(v: unknown, flow: boolean, indent = 0): string {
  if (v instanceof Undefined) v.fail();
  if (v === null || v === undefined) return "null";
  if (v === true) return "true";
  if (v === false) return "false";
  if (typeof v === "number" || v instanceof PyFloat) {
    const n = num(v);
    if (Number.isNaN(n)) return ".nan";
    if (!Number.isFinite(n)) return n > 0 ? ".inf" : "-.inf";
    return isFloat(v) ? floatRepr(n) : String(n);
  }
  const s = pyStr(v);
  if (plainAllowed(s, flow)) return s;

  if (/[\r\t\x00-\x08\x0b-\x1f\x7f-\x9f]/.test(s)) return yamlDoubleQuoted(s);
  return singleQuoted(s, indent);
}

function isCollection(v: unknown): boolean {
  return Array.isArray(v) || isMapping(v) || v instanceof LazyDict;
}

function flowOf(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(flowOf).join(", ")}]`;
  if (isMapping(v))
    return `{${entries(v, true)
      .map(([k, x]) => `${yamlScalar(k, true)}: ${flowOf(x)}`)
      .join(", ")}}`;
  return yamlScalar(v, true);
}

export interface YamlOptions {
  indent: number;
  /** null: PyYAML's default_flow_style=None (collections of scalars inline); false: always block. */
  flowLeaves: boolean;
}

export function pyYamlDump(value: unknown, opts: YamlOptions): string {
  const lines: string[] = [];
  const inlineOK = (v: unknown): boolean =>
    (Array.isArray(v) && (v.length === 0 || (opts.flowLeaves && !v.some(isCollection)))) ||
    (isMapping(v) &&
      (mappingKeys(v).length === 0 ||
        (opts.flowLeaves && !entries(v, false).some(([, x]) => isCollection(x)))));
  // A block mapping in a list starts on the dash's line at the next indentation level; anything else after "- ".
  const itemIndicator = (item: unknown): string =>
    isMapping(item) && !inlineOK(item) ? "-" + " ".repeat(opts.indent - 1) : "- ";
  const emit = (v: unknown, indent: number, prefix: string): void => {
    // prefix: text already on the current line ("key:" or "- "); block children go below or after it.
    if (isCollection(v) && !inlineOK(v)) {
      if (Array.isArray(v)) {
        const pad = " ".repeat(indent);
        const first = prefix.endsWith("- ") ? prefix : null;
        if (prefix && !first) lines.push(prefix);
        v.forEach((item, i) => {
          const head = i === 0 && first ? first : pad;
          emit(item, indent + opts.indent, head + itemIndicator(item));
        });
        return;
      }
      const pad = " ".repeat(indent);
      const e = entries(v as object, true);
      const inlineFirst = prefix.endsWith(" ") && prefix.trim().startsWith("-") ? prefix : null;
      if (prefix && !inlineFirst) lines.push(prefix);
      e.forEach(([k, x], i) => {
        const head = (i === 0 && inlineFirst ? inlineFirst : pad) + yamlScalar(k, false) + ":";
        if (isCollection(x) && !inlineOK(x)) {
          if (Array.isArray(x)) emit(x, indent, head);
          else emit(x, indent + opts.indent, head);
        } else
          lines.push(head + " " + (isCollection(x) ? flowOf(x) : yamlScalar(x, false, indent + opts.indent)));
      });
      return;
    }
    const text = isCollection(v) ? flowOf(v) : yamlScalar(v, false);
    lines.push(prefix + (prefix && !prefix.endsWith(" ") ? " " : "") + text);
  };
  // A sequence under a key is not indented (PyYAML's indentless sequences).
  const emitTop = (): void => {
    if (Array.isArray(value) && !inlineOK(value)) {
      value.forEach((item) => emit(item, opts.indent, itemIndicator(item)));
    } else emit(value, 0, "");
  };
  emitTop();
  return lines.join("\n") + "\n";
}
