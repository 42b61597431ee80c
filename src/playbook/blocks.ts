/**
 * Lists of tasks → blocks (Ansible's load_list_of_blocks / load_list_of_tasks): bare tasks are grouped into
 * implicit blocks, `block:`/`rescue:`/`always:` nest, import_tasks and import_role are expanded here, while
 * include_tasks and include_role stay as task nodes the engine loads at run time.
 */
import { basename } from "node:path";
import type { SourceLocation } from "../util/errors.js";
import { loadYamlFile, locationOf } from "../util/yaml.js";
import { at, checkKeys, isMapping, isTemplate, readOwnKeywords, typeName, type Mapping } from "./fields.js";
import { BLOCK_KEYWORDS } from "./keywords.js";
import type { LoadContext } from "./load-context.js";
import { includeKind } from "./module-names.js";
import { renderStaticPath, resolveTaskFile } from "./paths.js";
import { parseError } from "./problems.js";
import { loadRole, type RoleRegistry } from "./roles.js";
import { emptyEffective, loadTask } from "./task.js";
import type { Block, Node, OwnKeywords, Role, Task } from "./types.js";

function isBlockDs(ds: unknown): ds is Mapping {
  return isMapping(ds) && ("block" in ds || "rescue" in ds || "always" in ds);
}

function implicitBlock(children: Node[], loc: SourceLocation, keywords?: OwnKeywords): Block {
  return {
    kind: "block",
    location: loc,
    block: children,
    rescue: [],
    always: [],
    keywords: keywords ?? { tags: [], when: [], environment: [], module_defaults: [], vars: {} },
    implicit: true,
    effective: emptyEffective(),
  };
}

/** A play's or file's task list: runs of bare tasks share one implicit block, explicit blocks stay as written. */
export function loadBlocks(ds: unknown, ctx: LoadContext, loc: SourceLocation, what: string): Block[] {
  if (ds === null || ds === undefined) return [];
  if (!Array.isArray(ds)) {
    throw parseError(`${what} must be a list of tasks, got a ${typeName(ds)}`, locationOf(ds) ?? loc);
  }
  const out: Block[] = [];
  let run: unknown[] = [];
  const flush = (): void => {
    if (run.length === 0) return;
    const first = locationOf(run[0]) ?? loc;
    out.push(implicitBlock(loadTaskList(run, ctx, first), first));
    run = [];
  };
  for (const item of ds) {
    if (item === null || item === undefined) continue;
    if (isBlockDs(item)) {
      flush();
      out.push(loadBlock(item, ctx, loc));
    } else {
      run.push(item);
    }
  }
  flush();
  return out;
}

function loadBlock(ds: Mapping, ctx: LoadContext, fallback: SourceLocation): Block {
  const loc = locationOf(ds) ?? fallback;
  checkKeys(ds, BLOCK_KEYWORDS, "Block", loc);
  const section = (key: "block" | "rescue" | "always"): Node[] => {
    const v = ds[key];
    if (v === null || v === undefined) return [];
    if (!Array.isArray(v))
      throw parseError(`'${key}' must be a list of tasks, got a ${typeName(v)}`, at(ds, key, loc));
    return loadTaskList(v, ctx, at(ds, key, loc));
  };
  const block = section("block");
  const rescue = section("rescue");
  const always = section("always");
  for (const key of ["rescue", "always"] as const) {
    const list = key === "rescue" ? rescue : always;
    if (list.length > 0 && block.length === 0) {
      throw parseError(`'${key}' keyword cannot be used without 'block'`, at(ds, key, loc));
    }
  }
  const keywords = readOwnKeywords(ds, "Block", loc);
  const b: Block = {
    kind: "block",
    location: loc,
    block,
    rescue,
    always,
    keywords,
    implicit: false,
    effective: emptyEffective(),
  };
  if (keywords.name !== undefined) b.name = keywords.name;
  return b;
}

/** The tasks of a block: plain tasks, nested blocks, expanded imports and dynamic include nodes. */
export function loadTaskList(ds: unknown[], ctx: LoadContext, loc: SourceLocation): Node[] {
  const out: Node[] = [];
  for (const item of ds) {
    if (!isMapping(item)) {
      throw parseError(
        `a task must be a mapping of keywords, got a ${typeName(item)}`,
        locationOf(item) ?? loc,
      );
    }
    if ("block" in item) {
      if (ctx.handlers)
        throw parseError("Using a block as a handler is not supported.", locationOf(item) ?? loc);
      out.push(loadBlock(item, ctx, loc));
      continue;
    }
    const task = loadTask(item, loc, ctx.handlers, ctx.options);
    const kind = includeKind(task.actionWritten);
    if (kind === "include") deprecatedInclude(task, ctx);
    if (kind === "import_tasks" || (kind === "include" && isStaticInclude(task, ctx))) {
      const imported = importTasks(task, ctx);
      if (imported) out.push(imported);
    } else if (kind === "include_tasks" || kind === "include") {
      out.push(dynamicTaskInclude(task, ctx));
    } else if (kind === "import_role" || kind === "include_role") {
      if (ctx.handlers) {
        throw parseError(`Using '${task.actionWritten}' as a handler is not supported.`, task.location);
      }
      out.push(kind === "import_role" ? importRole(task, ctx) : dynamicRoleInclude(task, ctx));
    } else {
      out.push(task);
    }
  }
  return out;
}

function isStaticInclude(task: Task, ctx: LoadContext): boolean {
  return (
    !isTemplate(task.args["_raw_params"] ?? task.args["file"]) &&
    task.loop === undefined &&
    !ctx.dynamicParent
  );
}

function deprecatedInclude(task: Task, ctx: LoadContext): void {
  ctx.options.warnings.push({
    message: '"include" is deprecated, use include_tasks/import_tasks instead',
    location: task.location,
  });
}

/** TaskInclude.check_options: only file/_raw_params/apply, and a file. */
function includeFile(task: Task, allowApply: boolean): string | unknown {
  const bad = Object.keys(task.args).filter((k) => !["file", "_raw_params", "apply"].includes(k));
  const isInclude = task.action === "include";
  if (bad.length > 0 && !isInclude) {
    throw parseError(`Invalid options for ${task.actionWritten}: ${bad.join(",")}`, task.argsLocation);
  }
  let file = task.args["_raw_params"];
  if (file === undefined || file === null || file === "") file = task.args["file"];
  if (file === undefined || file === null || file === "") {
    throw parseError(`No file specified for ${task.actionWritten}`, task.argsLocation);
  }
  const apply = task.args["apply"];
  if (apply !== undefined && apply !== null) {
    if (!allowApply) throw parseError(`Invalid options for ${task.actionWritten}: apply`, task.argsLocation);
    if (!isMapping(apply)) {
      throw parseError(`Expected a dict for apply but got ${typeName(apply)} instead`, task.argsLocation);
    }
  }
  return file;
}

function importTasks(task: Task, ctx: LoadContext): Block | undefined {
  if (task.loop !== undefined) {
    throw parseError(
      `You cannot use loops on '${task.actionWritten}' statements. You should use 'include_tasks' instead.`,
      task.location,
    );
  }
  const written = includeFile(task, false);
  if (typeof written !== "string") {
    throw parseError(
      `${task.actionWritten} needs a file path, got a ${typeName(written)}`,
      task.argsLocation,
    );
  }
  const target = renderStaticPath(written, { ...ctx.staticVars, ...task.keywords.vars }, task.argsLocation);
  const file = resolveTaskFile(
    target,
    { role: ctx.role, includingFile: ctx.file, playbookDir: ctx.playbookDir, handlers: ctx.handlers },
    task.argsLocation,
  );
  if (ctx.stack.includes(file)) {
    throw parseError(
      `import cycle: ${[...ctx.stack, file].map((f) => basename(f)).join(" → ")}`,
      task.argsLocation,
      "A task file cannot import itself, directly or through other files.",
    );
  }
  const data = loadYamlFile(file);
  if (data === null || (Array.isArray(data) && data.length === 0)) {
    ctx.options.warnings.push({
      message: `file ${file} is empty and had no tasks to include`,
      location: task.location,
    });
    return undefined;
  }
  if (!Array.isArray(data)) {
    throw parseError("included task files must contain a list of tasks", locationOf(data) ?? { file });
  }
  const children = loadBlocks(data, { ...ctx, file, stack: [...ctx.stack, file] }, { file }, "tasks");
  const block = implicitBlock(children, task.location, task.keywords);
  block.importedFrom = {
    action: task.action === "include" ? "include" : "import_tasks",
    file,
    location: task.location,
  };
  return block;
}

function dynamicTaskInclude(task: Task, ctx: LoadContext): Task {
  const file = includeFile(task, task.action === "include_tasks");
  const apply = task.args["apply"];
  task.dynamic = {
    kind: "include_tasks",
    file,
    context: {
      playbookDir: ctx.playbookDir,
      includingFile: ctx.file,
      handlers: ctx.handlers,
      parent: emptyEffective(),
      options: ctx.options,
      roles: ctx.roles,
      stack: ctx.stack,
    },
  };
  if (isMapping(apply)) task.dynamic.apply = apply;
  return task;
}

const ROLE_ARGS = new Set([
  "name",
  "role",
  "tasks_from",
  "vars_from",
  "defaults_from",
  "handlers_from",
  "apply",
  "public",
  "allow_duplicates",
  "rolespec_validate",
]);

interface RoleIncludeArgs {
  name: unknown;
  from: Record<string, string>;
  apply?: Mapping;
}

/** IncludeRole.load's option checks. */
function roleIncludeArgs(task: Task, dynamic: boolean): RoleIncludeArgs {
  const args = task.args;
  const name = args["name"] ?? args["role"];
  if (name === undefined || name === null) {
    throw parseError(`'name' is a required field for ${task.actionWritten}.`, task.argsLocation);
  }
  if ("public" in args && !dynamic) {
    throw parseError(`Invalid options for ${task.actionWritten}: public`, task.argsLocation);
  }
  const bad = Object.keys(args).filter((k) => !ROLE_ARGS.has(k));
  if (bad.length > 0)
    throw parseError(`Invalid options for ${task.actionWritten}: ${bad.join(",")}`, task.argsLocation);
  const from: Record<string, string> = {};
  for (const key of ["tasks_from", "vars_from", "defaults_from", "handlers_from"]) {
    if (!(key in args)) continue;
    const v = args[key];
    if (typeof v !== "string") {
      throw parseError(`Expected a string for ${key} but got ${typeName(v)} instead`, task.argsLocation);
    }
    from[key.slice(0, -"_from".length)] = basename(v);
  }
  const apply = args["apply"];
  if (apply !== undefined && apply !== null) {
    if (!dynamic) throw parseError(`Invalid options for ${task.actionWritten}: apply`, task.argsLocation);
    if (!isMapping(apply))
      throw parseError(`Expected a dict for apply but got ${typeName(apply)} instead`, task.argsLocation);
  }
  const out: RoleIncludeArgs = { name, from };
  if (isMapping(apply)) out.apply = apply;
  return out;
}

function flag(v: unknown, dflt: boolean): boolean | string {
  if (v === undefined || v === null) return dflt;
  if (typeof v === "boolean" || typeof v === "string") return v;
  return Boolean(v);
}

function importRole(task: Task, ctx: LoadContext): Block {
  if (task.loop !== undefined) {
    throw parseError(
      "You cannot use loops on 'import_role' statements. You should use 'include_role' instead.",
      task.location,
    );
  }
  const { name, from } = roleIncludeArgs(task, false);
  if (typeof name !== "string")
    throw parseError("role definitions must contain a role name", task.argsLocation);
  const roleName = renderStaticPath(name, { ...ctx.staticVars, ...task.keywords.vars }, task.argsLocation);
  const role = loadRole(
    { name: roleName, params: {}, keywords: emptyOwn(), location: task.location },
    ctx.roles,
    {
      parent: ctx.role,
      fromFiles: from,
      fromInclude: true,
      validate: flag(task.args["rolespec_validate"], true) !== false,
    },
  );
  // Like Ansible, the include's allow_duplicates (default true) overrides the role's meta.
  const allow = flag(task.args["allow_duplicates"], true);
  role.meta.allowDuplicates = allow !== false && allow !== "false" && allow !== "no";
  const block = implicitBlock([], task.location, task.keywords);
  block.importedFrom = { action: "import_role", location: task.location };
  block.importedRole = role;
  registerImportedHandlers(ctx.roles, role, task.keywords, ctx);
  return block;
}

function registerImportedHandlers(
  registry: RoleRegistry,
  role: Role,
  keywords: OwnKeywords,
  ctx: LoadContext,
): void {
  registry.importedHandlers.push({ role, keywords, parentRole: ctx.role });
}

function dynamicRoleInclude(task: Task, ctx: LoadContext): Task {
  const { name, from, apply } = roleIncludeArgs(task, true);
  task.dynamic = {
    kind: "include_role",
    role: name,
    public: flag(task.args["public"], false),
    allowDuplicates: flag(task.args["allow_duplicates"], true),
    rolespecValidate: flag(task.args["rolespec_validate"], true),
    context: {
      playbookDir: ctx.playbookDir,
      includingFile: ctx.file,
      handlers: false,
      parent: emptyEffective(),
      options: ctx.options,
      roles: ctx.roles,
      stack: ctx.stack,
    },
  };
  if (from["tasks"] !== undefined) task.dynamic.tasksFrom = from["tasks"];
  if (from["vars"] !== undefined) task.dynamic.varsFrom = from["vars"];
  if (from["defaults"] !== undefined) task.dynamic.defaultsFrom = from["defaults"];
  if (from["handlers"] !== undefined) task.dynamic.handlersFrom = from["handlers"];
  if (apply) task.dynamic.apply = apply;
  return task;
}

export function emptyOwn(): OwnKeywords {
  return { tags: [], when: [], environment: [], module_defaults: [], vars: {} };
}
