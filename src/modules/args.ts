/**
 * Module arguments as Ansible's argument_spec declares them. Values are first coerced the way
 * Ansible's module_utils does (`"yes"` → true, `"0644"` stays a string for str, `"a,b"` → ["a","b"] for lists,
 * `"k=v"` → {k: "v"} for dicts), then checked for their types and choices (util/arg-types.ts), and the findings are
 * turned into Ansible's own messages ("Unsupported parameters for (file) module: …", "value of state must be one
 * of: …").
 */
import { parseKv } from "../playbook/split-args.js";
import { argTypeErrors, type ArgTypeError } from "./util/arg-types.js";

export type ArgType = "str" | "bool" | "int" | "float" | "list" | "dict" | "path" | "raw";

export interface ArgOption {
  type?: ArgType; // default "str", as in Ansible
  required?: boolean;
  default?: unknown;
  choices?: readonly unknown[];
  aliases?: readonly string[];
  elements?: ArgType;
  /** Never shown in output (passwords); the engine censors the value. */
  noLog?: boolean;
}

export type ArgSpec = Record<string, ArgOption>;

export interface ArgRules {
  mutuallyExclusive?: string[][];
  requiredOneOf?: string[][];
  /** [param, value, requirements, anyOf?] as Ansible's required_if. */
  requiredIf?: [string, unknown, string[], boolean?][];
  requiredTogether?: string[][];
}

/** A bad argument: Ansible's message, and the fields its failed result carries beside it (command's rc 256). */
export class ModuleArgsError extends Error {
  constructor(
    message: string,
    readonly fields: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "ModuleArgsError";
  }
}

const TRUE = new Set(["yes", "on", "1", "true", "y", "t"]);
const FALSE = new Set(["no", "off", "0", "false", "n", "f"]);

function coerce(value: unknown, type: ArgType, name: string, elements?: ArgType): unknown {
  if (value === null || value === undefined) return value;
  switch (type) {
    case "str":
    case "path":
      if (typeof value === "number" || typeof value === "boolean")
        return typeof value === "boolean" ? (value ? "True" : "False") : String(value);
      return value;
    case "bool": {
      if (typeof value === "boolean") return value;
      const s = String(value).toLowerCase();
      if (TRUE.has(s)) return true;
      if (FALSE.has(s)) return false;
      throw new ModuleArgsError(
        `argument '${name}' is of type ${pyTypeName(value)} and we were unable to convert to bool: The value '${String(value)}' is not a valid boolean.  Valid booleans include: 0, 'on', 'f', 'false', 1, 'no', 'n', '1', '0', 't', 'y', 'off', 'yes', 'true'`,
      );
    }
    case "int":
      if (typeof value === "string" && /^\s*[-+]?\d+\s*$/.test(value)) return Number(value);
      if (typeof value === "number" && Number.isInteger(value)) return value;
      if (typeof value === "number")
        throw new ModuleArgsError(
          `argument '${name}' is of type <class 'float'> and we were unable to convert to int: <class 'float'> cannot be converted to an int`,
        );
      return value;
    case "float":
      if (typeof value === "string" && value.trim() !== "" && !Number.isNaN(Number(value)))
        return Number(value);
      return value;
    case "list": {
      const list = Array.isArray(value) ? value : typeof value === "string" ? value.split(",") : [value];
      return elements ? list.map((x) => coerce(x, elements, name)) : list;
    }
    case "dict":
      if (typeof value === "string") {
        const t = value.trim();
        if (t.startsWith("{")) {
          try {
            return JSON.parse(t);
          } catch {
            throw new ModuleArgsError(
              `argument '${name}' is of type <class 'str'> and we were unable to convert to dict: unable to evaluate string as dictionary`,
            );
          }
        }
        return parseKv(t);
      }
      return value;
    case "raw":
      return value;
  }
}

function pyTypeName(v: unknown): string {
  if (typeof v === "string") return "<class 'str'>";
  if (typeof v === "number") return Number.isInteger(v) ? "<class 'int'>" : "<class 'float'>";
  if (Array.isArray(v)) return "<class 'list'>";
  if (typeof v === "object" && v !== null) return "<class 'dict'>";
  return "<class 'NoneType'>";
}

/**
 * Validates and normalises arguments: aliases resolved, values coerced, defaults filled, then checked for
 * types and choices and by the cross-argument rules. Throws ModuleArgsError with Ansible's wording.
 */
export function validateArgs(
  module: string,
  spec: ArgSpec,
  raw: Record<string, unknown>,
  rules: ArgRules = {},
): Record<string, unknown> {
  const byAlias = new Map<string, string>();
  for (const [name, opt] of Object.entries(spec)) for (const a of opt.aliases ?? []) byAlias.set(a, name);

  const args: Record<string, unknown> = {};
  const unknown: string[] = [];
  for (const [key, value] of Object.entries(raw)) {
    const name = spec[key] ? key : byAlias.get(key);
    if (!name) unknown.push(key);
    else args[name] = value;
  }
  if (unknown.length) {
    // Ansible's wording: the canonical names, then the aliases in parentheses.
    const names = Object.keys(spec).sort();
    const aliases = Object.values(spec)
      .flatMap((o) => o.aliases ?? [])
      .sort();
    const also = aliases.length ? ` (${aliases.join(", ")})` : "";
    throw new ModuleArgsError(
      `Unsupported parameters for (${module}) module: ${unknown.sort().join(", ")}. Supported parameters include: ${names.join(", ")}${also}.`,
    );
  }

  for (const [name, opt] of Object.entries(spec)) {
    if (args[name] !== undefined) args[name] = coerce(args[name], opt.type ?? "str", name, opt.elements);
  }
  const missing = Object.entries(spec)
    .filter(([n, o]) => o.required && (args[n] === undefined || args[n] === null))
    .map(([n]) => n);
  if (missing.length) throw new ModuleArgsError(`missing required arguments: ${missing.sort().join(", ")}`);

  const typeErrors = argTypeErrors(spec, args);
  if (typeErrors.length) throw new ModuleArgsError(typeMessage(typeErrors, spec, args));

  checkRules(args, rules);
  for (const [name, opt] of Object.entries(spec)) {
    if (args[name] === undefined && opt.default !== undefined) args[name] = opt.default;
  }
  return args;
}

/** The TypeError text of Ansible's check_type_* converters, after the value's Python type. */
const CONVERSION_ERROR: Partial<Record<ArgType, string>> = {
  int: "cannot be converted to an int",
  float: "cannot be converted to a float",
  list: "cannot be converted to a list",
  dict: "cannot be converted to a dict",
};

function typeMessage(errors: ArgTypeError[], spec: ArgSpec, args: Record<string, unknown>): string {
  const { keyword, name } = errors.find((x) => x.keyword === "enum") ?? errors[0]!;
  const data = args[name];
  if (keyword === "enum") {
    const choices = (spec[name]?.choices ?? []).map(String).join(", ");
    return `value of ${name} must be one of: ${choices}, got: ${String(data)}`;
  }
  const want = spec[name]?.type ?? "str";
  const why = CONVERSION_ERROR[want];
  return `argument '${name}' is of type ${pyTypeName(data)} and we were unable to convert to ${want}${why ? `: ${pyTypeName(data)} ${why}` : ""}`;
}

const present = (args: Record<string, unknown>, k: string) => args[k] !== undefined && args[k] !== null;

function checkRules(args: Record<string, unknown>, rules: ArgRules): void {
  for (const group of rules.mutuallyExclusive ?? []) {
    const set = group.filter((k) => present(args, k));
    if (set.length > 1) throw new ModuleArgsError(`parameters are mutually exclusive: ${group.join("|")}`);
  }
  for (const group of rules.requiredOneOf ?? []) {
    if (!group.some((k) => present(args, k)))
      throw new ModuleArgsError(`one of the following is required: ${group.join(", ")}`);
  }
  for (const group of rules.requiredTogether ?? []) {
    const set = group.filter((k) => present(args, k));
    if (set.length && set.length !== group.length)
      throw new ModuleArgsError(`parameters are required together: ${group.join(", ")}`);
  }
  for (const [param, value, reqs, anyOf] of rules.requiredIf ?? []) {
    if (args[param] !== value) continue;
    const missing = reqs.filter((k) => !present(args, k));
    if (anyOf ? missing.length === reqs.length : missing.length) {
      throw new ModuleArgsError(
        `${param} is ${pyText(value)} but ${anyOf ? "any" : "all"} of the following are missing: ${missing.join(", ")}`,
      );
    }
  }
}

/** A value as Python's str() prints it in Ansible's messages (True/False/None). */
function pyText(v: unknown): string {
  if (v === true) return "True";
  if (v === false) return "False";
  if (v === null || v === undefined) return "None";
  return String(v);
}
