/**
 * How a module result is trimmed before Ansible's default callback prints it: status keys dropped (the line already
 * says ok/failed/skipped), internal `_ansible_*` keys removed, debug's result reduced to what it was asked to show,
 * invocation/diff hidden below -vvv, the traceback never inlined, then dumped as Python's sorted JSON, indented
 * when the result is "verbose always" (debug) or at -vvv.
 */
import { pythonJson } from "./python-json.js";

const DEBUG_ACTIONS = new Set(["debug", "ansible.builtin.debug", "ansible.legacy.debug"]);
const INCLUDE_ACTIONS = new Set(
  ["include", "include_tasks", "include_role"].flatMap((a) => [
    a,
    `ansible.builtin.${a}`,
    `ansible.legacy.${a}`,
  ]),
);
const DEBUG_ALLOWED_KEYS = new Set(["msg", "exception", "warnings", "deprecations"]);
/** Internal keys the callback still reads (TaskResult's CLEAN_EXCEPTIONS). */
const KEPT_INTERNAL = new Set([
  "_ansible_verbose_always",
  "_ansible_item_label",
  "_ansible_no_log",
  "_ansible_verbose_override",
]);

export const isDebugAction = (action: string): boolean => DEBUG_ACTIONS.has(action);
export const isIncludeAction = (action: string): boolean => INCLUDE_ACTIONS.has(action);

type Json = Record<string, unknown>;

/** A deep copy without `_ansible_*` keys (except `keep`), at every level as `strip_internal_keys` does. */
function stripInternal(value: unknown, keep: ReadonlySet<string>): unknown {
  if (Array.isArray(value)) return value.map((item) => stripInternal(item, keep));
  if (!isPlainObject(value)) return value;
  const out: Json = {};
  for (const [key, item] of Object.entries(value)) {
    if (key.startsWith("_ansible_") && !keep.has(key)) continue;
    out[key] = stripInternal(item, keep);
  }
  return out;
}

function isPlainObject(value: unknown): value is Json {
  if (value === null || typeof value !== "object") return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * The result as a callback receives it (TaskResult.clean_copy) and after `_clean_results`: `failed`/`skipped` gone,
 * and for debug only `msg` (or, for `var:`, the variable) left.
 */
export function cleanResult(result: Json, action: string): Json {
  const debug = isDebugAction(action);
  const clean = stripInternal(result, KEPT_INTERNAL) as Json;
  delete clean.failed;
  delete clean.skipped;
  if (debug) delete clean.invocation;
  if (!debug) return clean;
  if ("msg" in clean) {
    for (const key of Object.keys(clean)) {
      if (!DEBUG_ALLOWED_KEYS.has(key) && !key.startsWith("_")) delete clean[key];
    }
  } else {
    for (const key of ["changed", "failed", "skipped", "invocation", "skip_reason"]) delete clean[key];
  }
  return clean;
}

/** `_dump_results`: what follows `=> ` on a result line. */
export function dumpResult(result: Json, verbosity: number, indentAlways = false): string {
  const abridged = stripInternal(result, new Set()) as Json;
  if (verbosity < 3) {
    delete abridged.invocation;
    delete abridged.diff;
  }
  delete abridged.exception;
  const indent = indentAlways || result._ansible_verbose_always === true || verbosity > 2 ? 4 : undefined;
  return pythonJson(abridged, { indent, sortKeys: true });
}
