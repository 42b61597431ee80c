/**
 * Roles: finding a role directory, reading its tasks/handlers/defaults/vars/meta, and its dependencies
 * (Ansible's RoleDefinition, Role and RoleMetadata). A role is loaded once per play for each distinct set of
 * parameters, like Ansible's ROLE_CACHE, so the engine can run a repeated role once unless allow_duplicates.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, statSync } from "node:fs";
import { basename, dirname, extname, join, relative, resolve, sep } from "node:path";
import type { SourceLocation } from "../util/errors.js";
import { loadYamlFile, locationOf } from "../util/yaml.js";
import { at, checkKeys, isMapping, readBool, readOwnKeywords, readStringList, typeName } from "./fields.js";
import { ROLE_META_KEYWORDS, ROLE_REF_KEYWORDS } from "./keywords.js";
import { loadBlocks } from "./blocks.js";
import { missingError, parseError } from "./problems.js";
import type { OwnKeywords, ResolvedLoadOptions, Role, RoleRef } from "./types.js";

/** A role pulled in by import_role, whose handlers join the play's. */
export interface ImportedHandlers {
  role: Role;
  keywords: OwnKeywords;
  parentRole?: Role;
}

/** Per-play role cache and the roles loaded so far. */
export class RoleRegistry {
  private readonly cache = new Map<string, Role>();
  readonly loaded: Role[] = [];
  readonly importedHandlers: ImportedHandlers[] = [];
  /** Roles being loaded right now (outermost first): a role reached again while loading is a recursion loop. */
  readonly loading: Array<{ id: string; name: string }> = [];

  constructor(
    readonly playbookDir: string,
    readonly options: ResolvedLoadOptions,
    readonly staticVars: Record<string, unknown>,
  ) {}

  get(id: string): Role | undefined {
    return this.cache.get(id);
  }

  add(role: Role): void {
    this.cache.set(role.id, role);
    this.loaded.push(role);
  }
}

/** `- web`, `- role: web` or `- {name: web, x: 1}` → RoleRef; keys that aren't keywords are role parameters. */
export function parseRoleRef(ds: unknown, fallback: SourceLocation): RoleRef {
  const loc = locationOf(ds) ?? fallback;
  if (typeof ds === "number") ds = String(ds);
  if (typeof ds === "string") {
    if (ds.includes(",")) throw parseError(`Invalid old style role requirement: ${ds}`, loc);
    return { name: ds, params: {}, keywords: emptyKeywords(), location: loc };
  }
  if (!isMapping(ds))
    throw parseError(`Invalid role definition: expected a name or a mapping, got a ${typeName(ds)}`, loc);
  const name = ds["role"] ?? ds["name"];
  if (typeof name !== "string" || name === "") {
    throw parseError(
      "role definitions must contain a role name",
      loc,
      "Write `- role: NAME` or just `- NAME`.",
    );
  }
  const params: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(ds)) {
    if (!ROLE_REF_KEYWORDS.has(k)) params[k] = v;
  }
  const keywords = readOwnKeywords(ds, "role", loc);
  delete keywords.name;
  return { name, params, keywords, location: loc };
}

function emptyKeywords(): OwnKeywords {
  return { tags: [], when: [], environment: [], module_defaults: [], vars: {} };
}

function isDir(p: string): boolean {
  return existsSync(p) && statSync(p).isDirectory();
}

/** RoleDefinition._load_role_path: roles/ beside the playbook, roles_path, the owner role's dir, the playbook dir. */
export function findRole(
  name: string,
  where: { playbookDir: string; rolesPath: string[]; roleBasedir?: string },
  loc: SourceLocation,
): { name: string; path: string } {
  const searched = [join(where.playbookDir, "roles"), ...where.rolesPath];
  if (where.roleBasedir) searched.push(where.roleBasedir);
  searched.push(where.playbookDir);
  for (const dir of searched) {
    const p = resolve(dir, name);
    if (existsSync(p)) return { name, path: p };
  }
  const asPath = resolve(name);
  if (existsSync(asPath)) return { name: basename(name), path: asPath };
  throw missingError(
    `the role '${name}' was not found in ${searched.join(":")}`,
    loc,
    "Check the role's name, or add its parent directory to roles_path.",
  );
}

/** Role._load_role_yaml: `main` (or the *_from file) in a role subdirectory; vars/defaults may be directories. */
function roleYamlFiles(
  role: { path: string; name: string },
  subdir: string,
  main: string | undefined,
  allowDir: boolean,
) {
  const dir = join(role.path, subdir);
  if (!isDir(dir)) return [];
  const extensions = main === undefined ? [".yml", ".yaml", ".json", ""] : ["", ".yml", ".yaml", ".json"];
  const base = join(dir, main ?? "main");
  for (const ext of extensions) {
    const full = base + ext;
    if (!existsSync(full)) continue;
    if (statSync(full).isDirectory()) {
      if (!allowDir) continue;
      return dirVarsFiles(full, extensions);
    }
    const rel = relative(dir, resolve(full));
    if (rel.startsWith("..") || rel.startsWith(sep)) {
      throw parseError(
        `Failed loading '${full}' for role (${role.name}) as it is not inside the expected role path: '${dir}'`,
        { file: full },
      );
    }
    return [full];
  }
  if (main !== undefined)
    throw parseError(`Could not find specified file in role: ${subdir}/${main}`, { file: dir });
  return [];
}

function dirVarsFiles(dir: string, extensions: string[]): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    if (entry.startsWith(".") || entry.endsWith("~")) continue;
    const full = join(dir, entry);
    const ext = extname(entry);
    if (statSync(full).isDirectory() && !ext) found.push(...dirVarsFiles(full, extensions));
    else if (statSync(full).isFile() && (!ext || extensions.includes(ext))) found.push(full);
  }
  return found;
}

function loadVarsFiles(role: { path: string; name: string }, subdir: string, main: string | undefined) {
  const out: Record<string, unknown> = {};
  for (const file of roleYamlFiles(role, subdir, main, true)) {
    const data = loadYamlFile(file);
    if (data === null || data === undefined) continue;
    if (!isMapping(data)) {
      throw parseError(
        `The ${subdir}/main.yml file for role '${role.name}' must contain a dictionary of variables`,
        locationOf(data) ?? { file },
      );
    }
    Object.assign(out, data);
  }
  return out;
}

function loadTaskData(role: { path: string; name: string }, subdir: string, main: string | undefined) {
  const file = roleYamlFiles(role, subdir, main, false)[0];
  if (!file) return undefined;
  const data = loadYamlFile(file);
  if (data === null || data === undefined) return undefined;
  if (!Array.isArray(data)) {
    throw parseError(
      `The ${subdir}/main.yml file for role '${role.name}' must contain a list of tasks`,
      locationOf(data) ?? { file },
    );
  }
  return { file, data };
}

function digest(value: unknown): string {
  return createHash("sha1").update(stableJson(value)).digest("hex").slice(0, 10);
}

function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(",")}]`;
  if (isMapping(v)) {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson(v[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v ?? null) ?? "null";
}

export interface RoleLoadOptions {
  /** The role whose meta/main or tasks pulled this one in. */
  parent?: Role;
  fromFiles?: Record<string, string>;
  fromInclude?: boolean;
  /** Prepend the argument_specs validation task (rolespec_validate). */
  validate?: boolean;
}

/** Role.load: the cached role for these parameters, or a newly loaded one. */
export function loadRole(ref: RoleRef, registry: RoleRegistry, opts: RoleLoadOptions = {}): Role {
  const fromFiles = opts.fromFiles ?? {};
  const fromInclude = opts.fromInclude ?? false;
  const found = findRole(
    ref.name,
    {
      playbookDir: registry.playbookDir,
      rolesPath: registry.options.rolesPath,
      roleBasedir: opts.parent ? dirname(opts.parent.path) : undefined,
    },
    ref.location,
  );
  const id = `${found.name}@${digest({
    params: ref.params,
    when: ref.keywords.when,
    tags: ref.keywords.tags,
    vars: ref.keywords.vars,
    fromFiles,
    fromInclude,
  })}`;
  const cached = registry.get(id);
  if (cached) return cached;
  if (registry.loading.some((r) => r.id === id)) {
    throw parseError(
      "A recursion loop was detected with the roles specified. Make sure child roles do not have dependencies on parent roles",
      ref.location,
      `Chain: ${[...registry.loading.map((r) => r.name), found.name].join(" → ")}`,
    );
  }
  registry.loading.push({ id, name: found.name });
  try {
    return loadRoleData(ref, registry, opts, found, id);
  } finally {
    registry.loading.pop();
  }
}

function loadRoleData(
  ref: RoleRef,
  registry: RoleRegistry,
  opts: RoleLoadOptions,
  found: { name: string; path: string },
  id: string,
): Role {
  const fromFiles = opts.fromFiles ?? {};
  const fromInclude = opts.fromInclude ?? false;
  const role: Role = {
    id,
    name: found.name,
    path: found.path,
    ref,
    defaults: loadVarsFiles(found, "defaults", fromFiles["defaults"]),
    vars: loadVarsFiles(found, "vars", fromFiles["vars"]),
    meta: { allowDuplicates: false, dependencies: [] },
    dependencies: [],
    tasks: [],
    handlers: [],
    fromInclude,
  };
  if (isDir(join(found.path, "files"))) role.filesDir = join(found.path, "files");
  if (isDir(join(found.path, "templates"))) role.templatesDir = join(found.path, "templates");
  const metaFile = roleYamlFiles(found, "meta", undefined, false)[0];
  const metaDs = metaFile ? loadYamlFile(metaFile) : null;
  if (metaDs !== null && metaDs !== undefined) {
    role.meta = readMeta(metaDs, role, metaFile as string);
    role.dependencies = role.meta.dependencies.map((dep) => loadRole(dep, registry, { parent: role }));
  }
  const ctx = {
    playbookDir: registry.playbookDir,
    role,
    options: registry.options,
    roles: registry,
    stack: [],
    staticVars: registry.staticVars,
    dynamicParent: false,
  };
  const tasks = loadTaskData(found, "tasks", fromFiles["tasks"]);
  const taskData = tasks ? [...tasks.data] : [];
  if (opts.validate !== false) prependValidation(role, fromFiles["tasks"] ?? "main", metaDs, taskData);
  if (taskData.length > 0) {
    const file = tasks?.file ?? join(found.path, "tasks");
    role.tasks = loadBlocks(taskData, { ...ctx, file, handlers: false }, { file }, "tasks");
  }
  const handlers = loadTaskData(found, "handlers", fromFiles["handlers"]);
  if (handlers) {
    const file = handlers.file;
    role.handlers = loadBlocks(handlers.data, { ...ctx, file, handlers: true }, { file }, "handlers");
  }
  registry.add(role);
  return role;
}

function readMeta(ds: unknown, role: Role, file: string): Role["meta"] {
  const loc = locationOf(ds) ?? { file };
  if (!isMapping(ds)) throw parseError(`the 'meta/main.yml' for role ${role.name} is not a dictionary`, loc);
  checkKeys(ds, ROLE_META_KEYWORDS, "RoleMetadata", loc);
  const deps = ds["dependencies"];
  if (deps !== null && deps !== undefined && !Array.isArray(deps)) {
    throw parseError("Expected role dependencies to be a list.", at(ds, "dependencies", loc));
  }
  const meta: Role["meta"] = {
    allowDuplicates: readBool(ds, "allow_duplicates", loc) === true,
    dependencies: (deps ?? []).map((d: unknown) => parseRoleRef(d, at(ds, "dependencies", loc))),
    location: loc,
  };
  const collections = readStringList(ds, "collections", loc);
  if (collections) meta.collections = collections;
  if (isMapping(ds["argument_specs"])) meta.argumentSpecs = ds["argument_specs"];
  return meta;
}

/** Role._prepend_validation_task: a validate_argument_spec task first when the entry point has a spec. */
function prependValidation(role: Role, entry: string, metaDs: unknown, taskData: unknown[]): void {
  let specs: unknown;
  for (const ext of [".yml", ".yaml", ".json"]) {
    const file = join(role.path, "meta", `argument_specs${ext}`);
    if (existsSync(file)) {
      const data = loadYamlFile(file);
      specs = isMapping(data) ? (data["argument_specs"] ?? {}) : {};
      break;
    }
  }
  if (specs === undefined) specs = isMapping(metaDs) ? metaDs["argument_specs"] : undefined;
  if (!isMapping(specs)) return;
  const spec = specs[entry];
  if (!isMapping(spec)) return;
  let name = `Validating arguments against arg spec '${entry}'`;
  if ("short_description" in spec) name += ` - ${String(spec["short_description"])}`;
  taskData.unshift({
    action: {
      module: "ansible.builtin.validate_argument_spec",
      argument_spec: spec["options"] ?? {},
      provided_arguments: role.ref.params,
      validate_args_context: { type: "role", name: role.name, argument_spec_name: entry, path: role.path },
    },
    name,
    tags: ["always"],
  });
}
