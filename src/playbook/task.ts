/**
 * One task mapping → Task (Ansible's Task.preprocess_data + load_data): the module and its arguments, loops
 * (`loop:` or `with_<lookup>:`), and every keyword checked against the Task (or Handler) keyword list.
 */
import type { SourceLocation } from "../util/errors.js";
import { locationOf } from "../util/yaml.js";
import {
  at,
  checkKeys,
  isMapping,
  readBool,
  readInt,
  readList,
  readOwnKeywords,
  readString,
  readStringList,
  typeName,
  type Mapping,
} from "./fields.js";
import { HANDLER_KEYWORDS, INCLUDE_KEYWORDS, LOOP_CONTROL_KEYWORDS, TASK_KEYWORDS } from "./keywords.js";
import { parseTaskAction } from "./module-args.js";
import { hasCmdArg, includeKind, shortName } from "./module-names.js";
import { parseError, suggestionHint } from "./problems.js";
import type { EffectiveKeywords, LoopControl, OwnKeywords, ResolvedLoadOptions, Task } from "./types.js";

export function emptyEffective(): EffectiveKeywords {
  return { tags: [], when: [], environment: [], module_defaults: [], vars: {} };
}

function readLoopControl(ds: Mapping, loc: SourceLocation): LoopControl | undefined {
  const v = ds["loop_control"];
  if (v === undefined) return undefined;
  const where = at(ds, "loop_control", loc);
  if (!isMapping(v)) {
    throw parseError(
      "the `loop_control` value must be specified as a dictionary and cannot be a variable itself (though it can contain variables)",
      where,
    );
  }
  const lcLoc = locationOf(v) ?? where;
  checkKeys(v, LOOP_CONTROL_KEYWORDS, "LoopControl", lcLoc);
  const lc: LoopControl = { location: lcLoc };
  const loopVar = readString(v, "loop_var", lcLoc);
  if (loopVar !== undefined) lc.loop_var = loopVar;
  const indexVar = readString(v, "index_var", lcLoc);
  if (indexVar !== undefined) lc.index_var = indexVar;
  if (v["label"] !== undefined && v["label"] !== null) lc.label = v["label"];
  const pause = v["pause"];
  if (pause !== undefined && pause !== null) {
    if (typeof pause !== "number" && typeof pause !== "string") {
      throw parseError(
        `loop_control.pause must be a number, got a ${typeName(pause)}`,
        at(v, "pause", lcLoc),
      );
    }
    lc.pause = pause;
  }
  const extended = readBool(v, "extended", lcLoc);
  if (extended !== undefined) lc.extended = extended;
  const allItems = readBool(v, "extended_allitems", lcLoc);
  if (allItems !== undefined) lc.extended_allitems = allItems;
  return lc;
}

/** Parse one task (or handler) mapping. Include/import tasks are parsed here too; loading their files is not. */
export function loadTask(
  ds: unknown,
  fallback: SourceLocation,
  handler: boolean,
  options: ResolvedLoadOptions,
): Task {
  if (!isMapping(ds)) {
    throw parseError(
      `a task must be a mapping of keywords, got a ${typeName(ds)}`,
      locationOf(ds) ?? fallback,
    );
  }
  const loc = locationOf(ds) ?? fallback;
  const parsed = parseTaskAction(ds, loc, options.isModule);
  const action = parsed.action;
  const args = parsed.args;
  if (hasCmdArg(action) && "cmd" in args) {
    if (args["_raw_params"] !== undefined && args["_raw_params"] !== "") {
      throw parseError(
        "The 'cmd' argument cannot be used when other raw parameters are specified. Please put everything in one or the other place.",
        parsed.argsLocation,
      );
    }
    args["_raw_params"] = args["cmd"];
    delete args["cmd"];
  }

  const what = handler ? "Handler" : "Task";
  const valid = handler ? HANDLER_KEYWORDS : TASK_KEYWORDS;
  let loop: unknown;
  let loopWith: string | undefined;
  let hasLoop = false;
  for (const [k, v] of Object.entries(ds)) {
    if (k === "action" || k === "local_action" || k === "args" || k === "delegate_to" || k === parsed.key)
      continue;
    if (k.startsWith("with_") && options.isLookup(k.slice(5))) {
      if (hasLoop)
        throw parseError(`duplicate loop in task: ${k.slice(5)}`, at(ds, k, loc), "A task has one loop.");
      if (v === null || v === undefined)
        throw parseError(`you must specify a value when using ${k}`, at(ds, k, loc));
      loop = v;
      loopWith = k.slice(5);
      hasLoop = true;
      continue;
    }
    if (k === "loop") {
      if (hasLoop) throw parseError(`duplicate loop in task: ${loopWith ?? "loop"}`, at(ds, k, loc));
      hasLoop = v !== null && v !== undefined;
      loop = v;
      continue;
    }
    if (!valid.has(k)) {
      const hint = k.startsWith("with_")
        ? `'${k.slice(5)}' is not a lookup plugin; use loop: or a known with_<lookup> (with_items, with_dict…).`
        : suggestionHint(k, valid, what);
      throw parseError(`'${k}' is not a valid attribute for a ${what}`, at(ds, k, loc), hint);
    }
  }

  const kind = includeKind(action);
  if (kind === "include_tasks" || kind === "include_role") {
    for (const k of Object.keys(ds)) {
      if (k === parsed.key || k.startsWith("with_") || INCLUDE_KEYWORDS.has(k)) continue;
      const cls = kind === "include_role" ? "IncludeRole" : "TaskInclude";
      throw parseError(
        `'${k}' is not a valid attribute for a ${cls}`,
        at(ds, k, loc),
        `${kind} only accepts: ${[...INCLUDE_KEYWORDS].sort().join(", ")}. Use apply: to pass keywords to the included tasks.`,
      );
    }
  }

  const keywords: OwnKeywords = readOwnKeywords(ds, what, loc);
  if (parsed.delegateTo !== undefined && parsed.delegateTo !== null) {
    keywords.delegate_to = readString(
      { delegate_to: parsed.delegateTo },
      "delegate_to",
      at(ds, "delegate_to", loc),
    );
  }
  const task: Task = {
    kind: "task",
    action: shortName(action),
    actionWritten: action,
    args,
    argsLocation: parsed.argsLocation,
    location: loc,
    handler,
    listen: handler ? (readStringList(ds, "listen", loc) ?? []) : [],
    keywords,
    changed_when: readList(ds, "changed_when"),
    failed_when: readList(ds, "failed_when"),
    until: readList(ds, "until"),
    effective: emptyEffective(),
  };
  if (keywords.name !== undefined) task.name = keywords.name;
  if (action.includes(".")) task.fqcn = action;
  if (hasLoop) task.loop = loop;
  if (loopWith !== undefined) task.loopWith = loopWith;
  const loopControl = readLoopControl(ds, loc);
  if (loopControl) task.loopControl = loopControl;
  const register = readString(ds, "register", loc);
  if (register !== undefined) task.register = register;
  for (const key of ["retries", "delay", "async", "poll"] as const) {
    const v = readInt(ds, key, loc);
    if (v !== undefined) task[key] = v;
  }
  return task;
}
