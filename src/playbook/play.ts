/**
 * One play mapping → Play (Ansible's Play.load): keywords checked and typed, roles loaded, task sections
 * loaded in Ansible's order (vars, vars_files, roles, handlers, pre_tasks, post_tasks, tasks), then everything
 * placed so each task knows its effective keywords.
 */
import type { SourceLocation } from "../util/errors.js";
import { locationOf } from "../util/yaml.js";
import { emptyOwn, loadBlocks } from "./blocks.js";
import {
  at,
  checkKeys,
  isMapping,
  readBool,
  readInt,
  readList,
  readOwnKeywords,
  readPercent,
  readStrictList,
  readString,
  typeName,
  type Mapping,
} from "./fields.js";
import { mergeKeywords } from "./inherit.js";
import { PLAY_KEYWORDS, VARS_PROMPT_KEYS } from "./keywords.js";
import type { LoadContext } from "./load-context.js";
import { compileRole, placeNode } from "./place.js";
import { parseError } from "./problems.js";
import { loadRole, parseRoleRef, RoleRegistry } from "./roles.js";
import { emptyEffective } from "./task.js";
import type { Block, EffectiveKeywords, Play, ResolvedLoadOptions } from "./types.js";

/** What an import_playbook statement adds to the plays it imports. */
export interface ImportedInto {
  vars: Record<string, unknown>;
  tags: string[];
  when: unknown[];
}

function readHosts(ds: Mapping, loc: SourceLocation): string[] {
  if (!("hosts" in ds)) {
    throw parseError(
      "the field 'hosts' is required but was not set",
      loc,
      "Add `hosts: all` (or a group name).",
    );
  }
  const v = ds["hosts"];
  const where = at(ds, "hosts", loc);
  if (v === null || v === "" || (Array.isArray(v) && v.length === 0)) {
    throw parseError("Hosts list cannot be empty. Please check your playbook", where);
  }
  if (typeof v === "string") return [v];
  if (!Array.isArray(v)) {
    throw parseError(
      `hosts must be a string or list, got a ${typeName(v)}`,
      where,
      "Hosts list must be a sequence or string.",
    );
  }
  return v.map((h) => {
    if (h === null || h === undefined)
      throw parseError("Hosts list cannot contain values of 'None'. Please check your playbook", where);
    if (typeof h !== "string")
      throw parseError(`Hosts list contains an invalid host value: '${String(h)}'`, where);
    return h;
  });
}

function readVarsPrompt(ds: Mapping, loc: SourceLocation, options: ResolvedLoadOptions): unknown[] {
  if (!("vars_prompt" in ds) || ds["vars_prompt"] === null) return [];
  const v = ds["vars_prompt"];
  const where = at(ds, "vars_prompt", loc);
  const list = Array.isArray(v) ? v : [v];
  for (const p of list) {
    if (!isMapping(p))
      throw parseError("Invalid vars_prompt data structure, expected a list of mappings", where);
    if (!("name" in p))
      throw parseError("Invalid vars_prompt data structure, missing 'name' key", locationOf(p) ?? where);
    for (const k of Object.keys(p)) {
      if (!VARS_PROMPT_KEYS.has(k)) {
        throw parseError(
          `Invalid vars_prompt data structure, found unsupported key '${k}'`,
          locationOf(p) ?? where,
        );
      }
    }
  }
  if (list.length > 0) {
    options.warnings.push({
      message:
        "vars_prompt is not supported (runs are non-interactive): the prompts are ignored; pass the values with --extra-vars",
      location: where,
    });
  }
  return list;
}

const PLAY_KEYS_WITH_USER: ReadonlySet<string> = new Set([...PLAY_KEYWORDS, "user"]);

export interface PlayLoadEnv {
  file: string;
  baseDir: string;
  options: ResolvedLoadOptions;
  importedInto: ImportedInto;
}

export function loadPlay(input: unknown, env: PlayLoadEnv, fallback: SourceLocation): Play {
  if (!isMapping(input)) {
    throw parseError(
      "playbook entries must be either valid plays or 'import_playbook' statements",
      locationOf(input) ?? fallback,
      `Each item of a playbook is a mapping with hosts: and tasks:, got a ${typeName(input)}.`,
    );
  }
  const loc = locationOf(input) ?? fallback;
  const ds: Mapping = input;
  // `user` is the deprecated spelling of remote_user.
  if ("user" in ds && "remote_user" in ds) {
    throw parseError(
      "both 'user' and 'remote_user' are set for this play. The use of 'user' is deprecated, and should be removed",
      at(ds, "user", loc),
    );
  }
  checkKeys(ds, PLAY_KEYS_WITH_USER, "Play", loc);
  const hosts = readHosts(ds, loc);
  const keywords = readOwnKeywords(ds, "Play", loc);
  const user = readString(ds, "user", loc);
  if (user !== undefined) keywords.remote_user = user;
  // import_playbook vars override the play's own, its tags add to the play's.
  keywords.vars = { ...keywords.vars, ...env.importedInto.vars };
  keywords.tags = [...new Set([...keywords.tags, ...env.importedInto.tags])];
  const options = env.options;

  const registry = new RoleRegistry(env.baseDir, options, keywords.vars);
  const vars_files = readList(ds, "vars_files");
  const vars_prompt = readVarsPrompt(ds, loc, options);
  const roleList = readStrictList(ds, "roles", loc, "List the roles, e.g. `roles: [common, web]`.");
  // A role given as a bare name has no position of its own: point at the list.
  const roleRefs = roleList.map((r) => parseRoleRef(r, locationOf(roleList) ?? at(ds, "roles", loc)));
  const roles = roleRefs.map((ref) => loadRole(ref, registry, {}));

  const ctx: LoadContext = {
    file: env.file,
    playbookDir: env.baseDir,
    handlers: false,
    options,
    roles: registry,
    stack: [env.file],
    staticVars: keywords.vars,
    dynamicParent: false,
  };
  const section = (key: string, handlers = false): Block[] => {
    const v = ds[key];
    if (v !== null && v !== undefined && !Array.isArray(v)) {
      throw parseError(`${key} must be a list of tasks, got a ${typeName(v)}`, at(ds, key, loc));
    }
    return loadBlocks(v, { ...ctx, handlers }, at(ds, key, loc), key);
  };
  const handlers = section("handlers", true);
  const pre = section("pre_tasks");
  const post = section("post_tasks");
  const tasks = section("tasks");

  const playEff: EffectiveKeywords = mergeKeywords(emptyEffective(), keywords, { withVars: false });
  // An import_playbook's `when` is prepended to every task section and role (not to handlers).
  const sectionEff = mergeKeywords(playEff, { ...emptyOwn(), when: env.importedInto.when });
  const place = (blocks: Block[], eff: EffectiveKeywords): Block[] =>
    blocks.map((b) => placeNode(b, eff, undefined));

  const seenHandlers = new Set<string>();
  const roleHandlers: Block[] = [];
  for (const role of roles) {
    if (seenHandlers.has(role.id)) continue; // Ansible compiles a role's handlers once (Role._compiled_handler_blocks)
    seenHandlers.add(role.id);
    roleHandlers.push(...compileRole(role, [], playEff, "handlers"));
  }
  const importedHandlers = registry.importedHandlers.map(({ role, keywords: kw }) =>
    compileRole(role, [], mergeKeywords(playEff, kw), "handlers"),
  );

  const nameWritten = keywords.name;
  const play: Play = {
    name: nameWritten ?? hosts.join(","),
    hosts,
    location: loc,
    file: env.file,
    baseDir: env.baseDir,
    keywords,
    vars_files,
    vars_prompt,
    roles: roleRefs,
    roleBlocks: roles.flatMap((r) => compileRole(r, [], sectionEff)),
    loadedRoles: registry.loaded,
    pre_tasks: place(pre, sectionEff),
    tasks: place(tasks, sectionEff),
    post_tasks: place(post, sectionEff),
    handlers: [...roleHandlers, ...place(handlers, playEff), ...importedHandlers.flat()],
    serial: readList(ds, "serial"),
    importConditions: env.importedInto.when,
  };
  if (nameWritten !== undefined) play.nameWritten = nameWritten;
  const gather = readBool(ds, "gather_facts", loc);
  if (gather !== undefined) play.gather_facts = gather;
  if (ds["gather_subset"] !== undefined && ds["gather_subset"] !== null)
    play.gather_subset = ds["gather_subset"];
  const gatherTimeout = readInt(ds, "gather_timeout", loc);
  if (gatherTimeout !== undefined) play.gather_timeout = gatherTimeout;
  const factPath = readString(ds, "fact_path", loc);
  if (factPath !== undefined) play.fact_path = factPath;
  const strategy = readString(ds, "strategy", loc);
  if (strategy !== undefined) play.strategy = strategy;
  const order = readString(ds, "order", loc);
  if (order !== undefined) play.order = order;
  const force = readBool(ds, "force_handlers", loc);
  if (force !== undefined) play.force_handlers = force;
  const maxFail = readPercent(ds, "max_fail_percentage", loc);
  if (maxFail !== undefined) play.max_fail_percentage = maxFail;
  return play;
}
