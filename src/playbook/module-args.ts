/**
 * Which module a task calls and with what arguments, from any of the forms Ansible accepts (a port of
 * ansible/parsing/mod_args.py ModuleArgsParser.parse):
 *   - copy: {src: a, dest: b}          - copy: src=a dest=b          - shell: echo hi
 *   - action: copy src=a dest=b        - local_action: shell echo    - action: {module: copy, src: a}
 * plus `args:` merged underneath. Which unknown keys are modules is the caller's `isModule` decision.
 */
import type { SourceLocation } from "../util/errors.js";
import { ArgSplitError, parseKv, splitArgs } from "./split-args.js";
import { allowsRawParams, isBuiltinTask, isFreeFormModule } from "./module-names.js";
import { HANDLER_KEYWORDS, TASK_EXTRA_KEYS } from "./keywords.js";
import { at, isMapping, isTemplate, type Mapping } from "./fields.js";
import { nearestNames, parseError, suggestionHint } from "./problems.js";
import type { IsModule } from "./types.js";

export interface ParsedAction {
  /** The module name as written. */
  action: string;
  args: Record<string, unknown>;
  /** `localhost` for local_action, else the task's own delegate_to (possibly undefined). */
  delegateTo: unknown;
  /** The key the module was found under: the module name, `action` or `local_action`. */
  key: string;
  argsLocation: SourceLocation;
}

const TASK_ATTRS: ReadonlySet<string> = new Set([
  ...HANDLER_KEYWORDS,
  ...TASK_EXTRA_KEYS,
  "async_val",
  "loop_with",
]);

export function isTaskAttribute(key: string): boolean {
  return TASK_ATTRS.has(key);
}

function kv(text: string, checkRaw: boolean, loc: SourceLocation): Record<string, string> {
  try {
    return parseKv(text, checkRaw);
  } catch (e) {
    if (e instanceof ArgSplitError)
      throw parseError(e.message, loc, "Quote the whole value, or use the YAML form.");
    throw e;
  }
}

/** `copy src=a dest=b` → [`copy`, `src=a dest=b`]. */
function splitModuleString(text: string, loc: SourceLocation): [string, string] {
  let tokens: string[];
  try {
    tokens = splitArgs(text);
  } catch (e) {
    if (e instanceof ArgSplitError) throw parseError(e.message, loc);
    throw e;
  }
  if (tokens.length === 0) throw parseError("no module/action detected in task.", loc);
  return [(tokens[0] as string).trim(), tokens.slice(1).join(" ")];
}

/** Arguments given as `module: <thing>` once the module name is known. */
function newStyleArgs(
  thing: unknown,
  action: string,
  loc: SourceLocation,
): Record<string, unknown> | undefined {
  if (isMapping(thing)) return { ...thing };
  if (typeof thing === "string") return kv(thing, isFreeFormModule(action), loc);
  if (thing === null || thing === undefined) return undefined;
  throw parseError(`unexpected parameter type in action: ${typeof thing}`, loc);
}

/** Arguments of `action:`/`local_action:`, which also carry the module name. */
function oldStyleArgs(thing: unknown, loc: SourceLocation): [string | undefined, Record<string, unknown>] {
  if (isMapping(thing)) {
    const args: Record<string, unknown> = { ...thing };
    if (!("module" in thing)) return [undefined, args];
    if (typeof thing["module"] !== "string")
      throw parseError("the 'module' of an action must be a string", loc);
    const [action, rest] = splitModuleString(thing["module"], loc);
    Object.assign(args, kv(rest, isFreeFormModule(action), loc));
    delete args["module"];
    return [action, args];
  }
  if (typeof thing === "string") {
    const [action, rest] = splitModuleString(thing, loc);
    return [action, kv(rest, isFreeFormModule(action), loc)];
  }
  throw parseError(`unexpected parameter type in action: ${thing === null ? "None" : typeof thing}`, loc);
}

function normalize(
  thing: unknown,
  knownAction: string | undefined,
  additional: unknown,
  loc: SourceLocation,
): [string | undefined, Record<string, unknown>] {
  const finalArgs: Record<string, unknown> = {};
  if (
    additional !== undefined &&
    additional !== null &&
    !(isMapping(additional) && Object.keys(additional).length === 0)
  ) {
    if (typeof additional === "string") {
      if (!isTemplate(additional)) {
        throw parseError(
          "Complex args containing variables cannot use bare variables (without Jinja2 delimiters), and must use the full variable style ('{{var_name}}')",
          loc,
        );
      }
      finalArgs["_variable_params"] = additional;
    } else if (isMapping(additional)) {
      Object.assign(finalArgs, additional);
    } else {
      throw parseError('Complex args must be a dictionary or variable string ("{{var}}").', loc);
    }
  }
  let action = knownAction;
  let args: Record<string, unknown> | undefined;
  if (action !== undefined) {
    args = newStyleArgs(thing, action, loc);
  } else {
    [action, args] = oldStyleArgs(thing, loc);
    if (args && "args" in args) {
      const nested = args["args"];
      delete args["args"];
      Object.assign(args, typeof nested === "string" ? kv(nested, false, loc) : nested);
    }
  }
  if (args && action !== undefined && !isFreeFormModule(action)) {
    for (const k of Object.keys(args)) {
      if (k.startsWith("_ansible_"))
        throw parseError(`invalid parameter specified for action '${action}': '${k}'`, loc);
    }
  }
  if (args) Object.assign(finalArgs, args);
  return [action, finalArgs];
}

/** Work out the module, its arguments and delegation of one task mapping. */
/** Nearest module names first (a misspelt module is the usual cause), else the task keywords. */
function unknownActionHint(bad: string, isModule: IsModule): string {
  const modules = isModule.names ? nearestNames(bad, isModule.names()) : [];
  if (modules.length) return `Did you mean the module ${modules.map((n) => `'${n}'`).join(" or ")}?`;
  return suggestionHint(bad, TASK_ATTRS, "task");
}

export function parseTaskAction(ds: Mapping, taskLoc: SourceLocation, isModule: IsModule): ParsedAction {
  let action: string | undefined;
  let args: Record<string, unknown> = {};
  let key = "";
  let delegateTo: unknown = ds["delegate_to"];
  const additional = "args" in ds ? ds["args"] : undefined;
  const argsAt = (k: string): SourceLocation => at(ds, k, taskLoc);

  if ("action" in ds) {
    [action, args] = normalize(ds["action"], undefined, additional, argsAt("action"));
    key = "action";
  }
  if ("local_action" in ds) {
    if (action !== undefined) throw parseError("action and local_action are mutually exclusive", taskLoc);
    [action, args] = normalize(ds["local_action"] ?? "", undefined, additional, argsAt("local_action"));
    delegateTo = "localhost";
    key = "local_action";
  }

  const unknown = Object.keys(ds).filter((k) => !TASK_ATTRS.has(k) && !k.startsWith("with_"));
  for (const item of unknown) {
    if (!isBuiltinTask(item) && !isModule(item)) continue;
    if (action !== undefined) {
      throw parseError(
        `conflicting action statements: ${action}, ${item}`,
        argsAt(item),
        "A task calls exactly one module.",
      );
    }
    [action, args] = normalize(ds[item], item, additional, argsAt(item));
    key = item;
  }

  if (action === undefined) {
    const bad = unknown[0];
    if (bad !== undefined) {
      throw parseError(
        `couldn't resolve module/action '${bad}'. This often indicates a misspelling, missing collection, or incorrect module path.`,
        argsAt(bad),
        unknownActionHint(bad, isModule),
      );
    }
    throw parseError(
      "no module/action detected in task.",
      taskLoc,
      "Add the module to call, e.g. `debug: msg=hi`.",
    );
  }
  const raw = args["_raw_params"];
  if (raw !== undefined && raw !== "" && !allowsRawParams(action)) {
    delete args["_raw_params"];
    if (isTemplate(raw)) {
      args["_variable_params"] = raw;
    } else {
      throw parseError(
        `this task '${action}' has extra params, which is only allowed in the following modules: command, shell, script, raw, win_command, win_shell, include_tasks, include_role, import_tasks, import_role, include_vars, add_host, group_by, set_fact, meta`,
        argsAt(key),
        "Write every argument as key=value, or use the YAML form (module: {key: value}).",
      );
    }
  }
  return { action, args, delegateTo, key, argsLocation: argsAt(key) };
}
