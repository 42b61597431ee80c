/**
 * Run-time loading for include_tasks and include_role: the engine templates the file or role name, then calls
 * these with the include task's context to get blocks placed exactly as a static import would have placed them.
 */
import { basename } from "node:path";
import { loadYamlFile, locationOf } from "../util/yaml.js";
import { loadBlocks, emptyOwn } from "./blocks.js";
import { checkKeys, readOwnKeywords } from "./fields.js";
import { mergeKeywords } from "./inherit.js";
import type { LoadContext } from "./load-context.js";
import { resolveTaskFile } from "./paths.js";
import { compileRole, placeNode } from "./place.js";
import { parseError } from "./problems.js";
import { loadRole } from "./roles.js";
import { BLOCK_KEYWORDS } from "./keywords.js";
import type { Block, DynamicRoleInclude, EffectiveKeywords, IncludeContext, Role, Task } from "./types.js";

/** The keywords an include passes on: its parent's, plus `apply:` if given. */
function applied(
  context: IncludeContext,
  apply: Record<string, unknown> | undefined,
  task?: Task,
): EffectiveKeywords {
  if (!apply) return context.parent;
  const loc = locationOf(apply) ?? task?.argsLocation ?? { file: context.includingFile };
  checkKeys(apply, BLOCK_KEYWORDS, "Block (apply)", loc);
  return mergeKeywords(context.parent, readOwnKeywords(apply, "Block", loc));
}

/**
 * Load the task file of an include_tasks whose path the engine has templated. Relative paths resolve like
 * static imports (role's tasks dir, then the including file's dir, then the playbook dir).
 */
export function loadTaskFile(
  path: string,
  context: IncludeContext,
  apply?: Record<string, unknown>,
): Block[] {
  const from = { file: context.includingFile };
  const file = resolveTaskFile(
    path,
    {
      role: context.role?.role,
      includingFile: context.includingFile,
      playbookDir: context.playbookDir,
      handlers: context.handlers,
    },
    from,
  );
  if (context.stack.includes(file)) {
    throw parseError(
      `include cycle: ${[...context.stack, file].map((f) => basename(f)).join(" → ")}`,
      from,
      "A task file cannot include itself, directly or through other files, without a condition that stops it.",
    );
  }
  const data = loadYamlFile(file);
  if (data === null) {
    context.options.warnings.push({ message: `file ${file} is empty and had no tasks to include` });
    return [];
  }
  if (!Array.isArray(data)) {
    throw parseError("included task files must contain a list of tasks", locationOf(data) ?? { file });
  }
  const ctx: LoadContext = {
    file,
    playbookDir: context.playbookDir,
    handlers: context.handlers,
    options: context.options,
    roles: context.roles,
    stack: [...context.stack, file],
    staticVars: context.roles.staticVars,
    dynamicParent: true,
  };
  if (context.role) ctx.role = context.role.role;
  const parent = applied(context, apply);
  return loadBlocks(data, ctx, { file }, "tasks").map((b) => placeNode(b, parent, context.role));
}

/** The task of an include_tasks node, loaded: a shortcut for loadTaskFile with the node's own context. */
export function loadIncludedTasks(task: Task, path: string): Block[] {
  if (task.dynamic?.kind !== "include_tasks") {
    throw parseError(`${task.actionWritten} is not an include_tasks task`, task.location);
  }
  return loadTaskFile(path, task.dynamic.context, task.dynamic.apply);
}

export interface IncludedRole {
  role: Role;
  blocks: Block[];
  handlers: Block[];
}

/** Load the role of an include_role task once the engine has templated its name. */
export function loadIncludedRole(task: Task, roleName: string): IncludedRole {
  const dyn = task.dynamic;
  if (dyn?.kind !== "include_role")
    throw parseError(`${task.actionWritten} is not an include_role task`, task.location);
  const context = dyn.context;
  const role = loadRole(
    { name: roleName, params: {}, keywords: emptyOwn(), location: task.location },
    context.roles,
    {
      parent: context.role?.role,
      fromFiles: fromFiles(dyn),
      fromInclude: true,
      validate: dyn.rolespecValidate !== false,
    },
  );
  role.meta.allowDuplicates = dyn.allowDuplicates !== false;
  const chain = context.role ? [...context.role.depChain, context.role.role] : [];
  const parent = applied(context, dyn.apply, task);
  return {
    role,
    blocks: compileRole(role, chain, parent, "tasks"),
    handlers: compileRole(role, chain, parent, "handlers"),
  };
}

function fromFiles(dyn: DynamicRoleInclude): Record<string, string> {
  const out: Record<string, string> = {};
  if (dyn.tasksFrom !== undefined) out["tasks"] = dyn.tasksFrom;
  if (dyn.varsFrom !== undefined) out["vars"] = dyn.varsFrom;
  if (dyn.defaultsFrom !== undefined) out["defaults"] = dyn.defaultsFrom;
  if (dyn.handlersFrom !== undefined) out["handlers"] = dyn.handlersFrom;
  return out;
}
