/**
 * How a check definition's mistakes are told: an ajv error (or a check of our own) becomes one InfraError at the
 * file:line:column where the offending value or key was written, with the source line beneath, a message in the
 * words of YAML (a mapping, a list) and, where one helps, a hint: the nearest valid key, the types there are.
 */
import type { ErrorObject } from "ajv";
import { nearestNames } from "../playbook/problems.js";
import { InfraError, type SourceLocation } from "../util/errors.js";
import { keyLocationOf, locationOf } from "../util/yaml.js";
import { CHECK_TYPES } from "./registry.js";

/** Exit code when grading cannot run at all (bad definitions, unreachable host). */
export const CANNOT_RUN = 2;

/** The value at a JSON pointer and where it (or its key) was written. */
function locate(root: unknown, pointer: string, file: string): SourceLocation {
  const parts = pointer
    .split("/")
    .slice(1)
    .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
  let node: unknown = root;
  let loc = locationOf(root);
  for (const key of parts) {
    if (node === null || typeof node !== "object") break;
    loc =
      (Array.isArray(node) ? locationOf((node as unknown[])[Number(key)]) : keyLocationOf(node, key)) ?? loc;
    node = (node as Record<string, unknown>)[key];
  }
  return loc ?? { file };
}

/** What a YAML value is, in the words of an error message. */
export function kindOf(v: unknown): string {
  if (v === null || v === undefined) return "nothing (null)";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  if (typeof v === "string") return `a string (${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)})`;
  return `a ${typeof v} (${String(v)})`;
}

const TYPE_WORDS: Record<string, string> = {
  object: "a mapping",
  array: "a list",
  string: "a string",
  number: "a number",
  integer: "a whole number",
  boolean: "true or false",
};

function expectedTypes(t: unknown): string {
  const list = (Array.isArray(t) ? t : [t]).map((x) => TYPE_WORDS[String(x)] ?? String(x));
  return list.join(" or ");
}

export const valueText = (v: unknown) => JSON.stringify(v);

function describeError(e: ErrorObject): { message: string; hint?: string } {
  const where = e.instancePath.replace(/^\//, "").replace(/\//g, ".") || "the file";
  const parent = (e.parentSchema ?? {}) as { description?: string; properties?: Record<string, unknown> };
  switch (e.keyword) {
    case "additionalProperties": {
      const key = (e.params as { additionalProperty: string }).additionalProperty;
      const known = Object.keys(parent.properties ?? {});
      const near = nearestNames(key, known);
      const guess = near.length ? ` (did you mean ${near.map((n) => `"${n}"`).join(" or ")}?)` : "";
      // A check is a mapping of its fields and exactly one type: say which types there are.
      const isCheck = known.includes("needs") && known.includes("file");
      const valid = isCheck
        ? `A check has id, name, hosts, needs and one type: ${Object.keys(CHECK_TYPES).join(", ")}.`
        : `Valid keys here: ${known.join(", ")}.`;
      const what = e.instancePath ? `${where}: unknown key` : "unknown top-level key";
      return { message: `${what} "${key}"${guess}`, hint: valid };
    }
    case "enum": {
      const allowed = (e.params as { allowedValues: unknown[] }).allowedValues.map(String);
      const near = typeof e.data === "string" ? nearestNames(e.data, allowed) : [];
      return {
        message: `${where} must be one of ${allowed.join(", ")}, got ${kindOf(e.data)}`,
        hint: near.length ? `Did you mean "${near[0]}"?` : undefined,
      };
    }
    case "type": {
      const expected = expectedTypes((e.params as { type: unknown }).type);
      const unquoted = expected === "a string" && typeof e.data === "number";
      const hints = [
        parent.description ? `Expected ${parent.description}.` : "",
        unquoted
          ? "Put the value in quotes: unquoted, YAML reads it as a number (with a leading 0, as octal)."
          : "",
      ];
      return {
        message: `${where} must be ${expected}, got ${kindOf(e.data)}`,
        hint: hints.filter(Boolean).join(" ") || undefined,
      };
    }
    case "pattern":
      return {
        message: `${where} must match pattern "${(e.params as { pattern: string }).pattern}", got ${valueText(e.data)}`,
        hint: parent.description ? `Expected ${parent.description}.` : undefined,
      };
    case "minItems": {
      const limit = (e.params as { limit: number }).limit;
      return {
        message: `${where} must hold at least ${limit} item${limit === 1 ? "" : "s"}, got an empty list`,
      };
    }
    case "required":
      return {
        message: `${where} has no "${(e.params as { missingProperty: string }).missingProperty}:" (it is required)`,
      };
    default:
      return {
        message: `${where} ${e.message ?? "is invalid"}${e.data !== undefined && typeof e.data !== "object" ? `, got ${valueText(e.data)}` : ""}`,
      };
  }
}

/** The source line of a location, for the excerpt under the message. */
export function lineAt(source: string | undefined, loc: SourceLocation): string | undefined {
  return source !== undefined && loc.line ? source.split("\n")[loc.line - 1] : undefined;
}

export interface Src {
  file: string;
  root: unknown;
  source?: string;
}

export function invalidAt(src: Src, loc: SourceLocation, message: string, hint?: string): InfraError {
  return new InfraError(`invalid check definition: ${message}`, {
    location: loc,
    hint,
    excerpt: lineAt(src.source, loc),
    exitCode: CANNOT_RUN,
  });
}

export function invalid(src: Src, pointer: string, message: string, hint?: string): InfraError {
  return invalidAt(src, locate(src.root, pointer, src.file), message, hint);
}

export function firstError(src: Src, errors: ErrorObject[], base = ""): InfraError {
  // The deepest error says the most; ajv lists parents' errors too. Among equals, a misspelt key explains a
  // missing one ("titel" for "title"), so it goes first.
  const rank = (e: ErrorObject) => e.instancePath.length * 2 + (e.keyword === "additionalProperties" ? 1 : 0);
  const e = [...errors].sort((a, b) => rank(b) - rank(a))[0]!;
  const pointer =
    base +
    e.instancePath +
    (e.keyword === "additionalProperties"
      ? `/${(e.params as { additionalProperty: string }).additionalProperty}`
      : "");
  const { message, hint } = describeError({ ...e, instancePath: base + e.instancePath });
  return invalid(src, pointer, message, hint);
}
