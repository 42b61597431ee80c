/**
 * Reading keyword values from YAML mappings with Ansible's types (FieldAttribute isa=string/bool/int/list/dict),
 * each mistake reported at the key's own file:line:column. Templates (`{{ … }}`) are accepted wherever a scalar is
 * expected, since they are only resolved at run time.
 */
import { keyLocationOf, locationOf, UnsafeText } from "../util/yaml.js";
import type { SourceLocation } from "../util/errors.js";
import { VaultString } from "../vault/vault-string.js";
import { parseError, suggestionHint } from "./problems.js";
import type { OwnKeywords, Raw, RawBool, RawInt } from "./types.js";
import { INHERITED_KEYWORDS } from "./keywords.js";

export type Mapping = Record<string, unknown>;

export function isMapping(v: unknown): v is Mapping {
  return (
    typeof v === "object" &&
    v !== null &&
    !Array.isArray(v) &&
    !(v instanceof VaultString) &&
    !(v instanceof UnsafeText)
  );
}

export function isTemplate(v: unknown): boolean {
  return typeof v === "string" && /\{\{|\{%|\{#/.test(v);
}

export function typeName(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (Array.isArray(v)) return "list";
  if (isMapping(v)) return "dict";
  if (typeof v === "number") return Number.isInteger(v) ? "int" : "float";
  if (typeof v === "boolean") return "bool";
  return "string";
}

/** Where `key` of `ds` was written, falling back to `fallback` for mappings built by code. */
export function at(ds: Mapping, key: string, fallback: SourceLocation): SourceLocation {
  return keyLocationOf(ds, key) ?? fallback;
}

export function locOr(v: unknown, fallback: SourceLocation): SourceLocation {
  return locationOf(v) ?? fallback;
}

/** Reject keys that are not `valid`, naming the nearest keywords. */
export function checkKeys(ds: Mapping, valid: ReadonlySet<string>, what: string, loc: SourceLocation): void {
  for (const key of Object.keys(ds)) {
    if (!valid.has(key)) {
      throw parseError(
        `'${key}' is not a valid attribute for a ${what}`,
        at(ds, key, loc),
        suggestionHint(key, valid, what),
      );
    }
  }
}

export function readString(ds: Mapping, key: string, loc: SourceLocation): string | undefined {
  const v = ds[key];
  if (v === null || v === undefined) return undefined;
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  // Vaulted and !unsafe strings stay wrapped so the engine still knows what they are.
  if (v instanceof VaultString || v instanceof UnsafeText) return v as unknown as string;
  throw parseError(
    `The field '${key}' is supposed to be a string type, however the incoming data structure is a ${typeName(v)}`,
    at(ds, key, loc),
  );
}

// ansible.module_utils.parsing.convert_bool: what boolean(value, strict=True) accepts.
const TRUE_WORDS = new Set(["y", "yes", "on", "1", "true", "t"]);
const FALSE_WORDS = new Set(["n", "no", "off", "0", "false", "f"]);

/** A boolean written as a string Ansible accepts, folded to a boolean; templates stay strings. */
export function readBool(ds: Mapping, key: string, loc: SourceLocation): RawBool | undefined {
  const v = ds[key];
  if (v === null || v === undefined) return undefined;
  if (typeof v === "boolean") return v;
  if (v === 1 || v === 0) return v === 1;
  if (typeof v === "string") {
    if (isTemplate(v)) return v;
    const w = v.toLowerCase();
    if (TRUE_WORDS.has(w)) return true;
    if (FALSE_WORDS.has(w)) return false;
  }
  throw parseError(
    `The field '${key}' has an invalid value (${String(v)}), and could not be converted to a bool`,
    at(ds, key, loc),
    "Use true or false (or yes/no).",
  );
}

export function readInt(ds: Mapping, key: string, loc: SourceLocation): RawInt | undefined {
  const v = ds[key];
  if (v === null || v === undefined) return undefined;
  if (typeof v === "number" && Number.isInteger(v)) return v;
  if (typeof v === "string" && isTemplate(v)) return v;
  if (typeof v === "string" && /^\s*[-+]?\d+\s*$/.test(v)) return parseInt(v, 10);
  throw parseError(
    `The field '${key}' has an invalid value (${String(v)}), and could not be converted to an int`,
    at(ds, key, loc),
  );
}

/** A number, optionally written with '%' (max_fail_percentage), or a template. */
export function readPercent(ds: Mapping, key: string, loc: SourceLocation): number | string | undefined {
  const v = ds[key];
  if (v === null || v === undefined) return undefined;
  if (typeof v === "number") return v;
  if (typeof v === "string" && isTemplate(v)) return v;
  if (typeof v === "string" && /^\s*[-+]?\d+(\.\d*)?\s*%?\s*$/.test(v)) return parseFloat(v.replace("%", ""));
  throw parseError(
    `The field '${key}' has an invalid value (${String(v)}), and could not be converted to a percent`,
    at(ds, key, loc),
  );
}

/** isa='list': a scalar becomes a one-item list, null an empty one. */
export function readList(ds: Mapping, key: string): Raw[] {
  const v = ds[key];
  if (v === null || v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

/** A list of strings (`collections`, `notify`, `listen`); a scalar becomes a one-item list. */
export function readStringList(ds: Mapping, key: string, loc: SourceLocation): string[] | undefined {
  const v = ds[key];
  if (v === null || v === undefined) return undefined;
  const items = Array.isArray(v) ? v : [v];
  return items.map((item) => {
    if (typeof item === "string") return item;
    if (typeof item === "number" || typeof item === "boolean") return String(item);
    throw parseError(
      `the field '${key}' should be a list of strings, but an item is a ${typeName(item)}`,
      at(ds, key, loc),
    );
  });
}

/** A list that must be a YAML list (`roles`, `tasks`, `vars_files`…). */
export function readStrictList(ds: Mapping, key: string, loc: SourceLocation, hint?: string): unknown[] {
  const v = ds[key];
  if (v === null || v === undefined) return [];
  if (!Array.isArray(v)) {
    throw parseError(`${key} must be a list, got a ${typeName(v)}`, at(ds, key, loc), hint);
  }
  return v;
}

/** Taggable._load_tags: a list, or a comma-separated string; ints allowed (printed as written). */
export function readTags(ds: Mapping, loc: SourceLocation): string[] {
  const v = ds["tags"];
  if (v === null || v === undefined) return [];
  if (typeof v === "string") return v.split(",").map((t) => t.trim());
  if (typeof v === "number") return [String(v)];
  if (!Array.isArray(v)) throw parseError("tags must be specified as a list", at(ds, "tags", loc));
  return v.map((t) => {
    if (typeof t === "string") return t;
    if (typeof t === "number") return String(t);
    throw parseError(`tags must be strings or numbers, but an item is a ${typeName(t)}`, at(ds, "tags", loc));
  });
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const PY_KEYWORDS = new Set(
  "False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield".split(
    " ",
  ),
);

/** Base._load_vars: a dict or a list of dicts, with valid variable names. */
export function readVars(ds: Mapping, what: string, loc: SourceLocation): Record<string, unknown> {
  const v = ds["vars"];
  if (v === null || v === undefined) return {};
  const parts = Array.isArray(v) ? v : [v];
  const out: Record<string, unknown> = {};
  for (const part of parts) {
    if (!isMapping(part)) {
      throw parseError(
        `Vars in a ${what} must be specified as a dictionary, or a list of dictionaries`,
        at(ds, "vars", loc),
      );
    }
    for (const [k, val] of Object.entries(part)) {
      if (!IDENTIFIER.test(k) || PY_KEYWORDS.has(k)) {
        throw parseError(
          `Invalid variable name in vars specified for ${what}: '${k}' is not a valid variable name`,
          keyLocationOf(part, k) ?? loc,
          "Variable names must start with a letter or underscore and contain only letters, digits and underscores.",
        );
      }
      out[k] = val;
    }
  }
  return out;
}

const STRING_KEYWORDS = new Set([
  "connection",
  "remote_user",
  "debugger",
  "become_method",
  "become_user",
  "become_flags",
  "become_exe",
  "delegate_to",
]);
const INT_KEYWORDS = new Set(["port", "throttle", "timeout"]);
const LIST_KEYWORDS = new Set(["notify", "collections"]);

/** The keywords every block, role reference, import and task may write, typed. */
export function readOwnKeywords(ds: Mapping, what: string, loc: SourceLocation): OwnKeywords {
  const kw: OwnKeywords = {
    name: readString(ds, "name", loc),
    tags: readTags(ds, loc),
    when: readList(ds, "when").filter((c) => c !== null && c !== undefined),
    environment: readList(ds, "environment"),
    module_defaults: readList(ds, "module_defaults"),
    vars: readVars(ds, what, loc),
  };
  const target = kw as unknown as Record<string, unknown>;
  for (const key of INHERITED_KEYWORDS) {
    if (!(key in ds)) continue;
    let value: unknown;
    if (STRING_KEYWORDS.has(key)) value = readString(ds, key, loc);
    else if (INT_KEYWORDS.has(key)) value = readInt(ds, key, loc);
    else if (LIST_KEYWORDS.has(key)) value = readStringList(ds, key, loc);
    else value = readBool(ds, key, loc);
    if (value !== undefined) target[key] = value;
  }
  return kw;
}
