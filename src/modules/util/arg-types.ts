/**
 * The type and choices check of module arguments, after coercion. It answers exactly what the JSON schema
 * `{type: object, properties: {NAME: {type: [T…, "null"], enum: [choices…, null]}}}` answered under ajv
 * (allErrors, strict off), in ajv's order — properties in spec order, type before enum — without compiling a
 * validator per module at run time (10–100 ms each, paid by every playbook run).
 */
import { isDeepStrictEqual } from "node:util";
import type { ArgSpec, ArgType } from "../args.js";

export interface ArgTypeError {
  keyword: "type" | "enum";
  /** The argument's name. */
  name: string;
}

/** JSON Schema's type test, as ajv generated it for that schema. */
const IS: Partial<Record<ArgType, (v: unknown) => boolean>> = {
  str: (v) => typeof v === "string",
  path: (v) => typeof v === "string",
  bool: (v) => typeof v === "boolean",
  // ajv without strict mode: NaN is a number, and ±Infinity an integer too (Infinity % 1 is NaN, !NaN is true).
  int: (v) => typeof v === "number" && !(v % 1) && !Number.isNaN(v),
  float: (v) => typeof v === "number",
  list: (v) => Array.isArray(v),
  dict: (v) => typeof v === "object" && v !== null && !Array.isArray(v),
};

/** Every type or choices violation among the given arguments (undefined ones are absent, null always passes). */
export function argTypeErrors(spec: ArgSpec, args: Record<string, unknown>): ArgTypeError[] {
  const errors: ArgTypeError[] = [];
  for (const [name, opt] of Object.entries(spec)) {
    const v = args[name];
    if (v === undefined || v === null) continue;
    const isType = IS[opt.type ?? "str"];
    if (isType && !isType(v)) errors.push({ keyword: "type", name });
    if (opt.choices && !opt.choices.some((c) => c === v || isDeepStrictEqual(c, v)))
      errors.push({ keyword: "enum", name });
  }
  return errors;
}
