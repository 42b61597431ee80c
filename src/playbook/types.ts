/**
 * The static plan of a playbook: plays, blocks, tasks and roles as Ansible 2.14 loads them, before any templating.
 * Strings stay raw (`{{ x }}` is kept as written); the engine templates and executes. Every object remembers where
 * it was written so later errors can say file:line:column.
 */
import type { SourceLocation } from "../util/errors.js";
import type { RoleRegistry } from "./roles.js";

/** A value as written in YAML, not templated yet. */
export type Raw = unknown;

/** A boolean keyword: a real boolean, or a string that is a template or a YAML-ish boolean word. */
export type RawBool = boolean | string;
/** An integer keyword: a number, or a template string. */
export type RawInt = number | string;

/** Keywords children inherit from blocks, imports, roles and the play when they don't set them themselves. */
export interface InheritedKeywords {
  connection?: string;
  port?: RawInt;
  remote_user?: string;
  no_log?: RawBool;
  run_once?: RawBool;
  ignore_errors?: RawBool;
  ignore_unreachable?: RawBool;
  check_mode?: RawBool;
  diff?: RawBool;
  any_errors_fatal?: RawBool;
  throttle?: RawInt;
  timeout?: RawInt;
  debugger?: string;
  become?: RawBool;
  become_method?: string;
  become_user?: string;
  become_flags?: string;
  become_exe?: string;
  delegate_to?: string;
  delegate_facts?: RawBool;
  notify?: string[];
  collections?: string[];
}

/** What applies to a task once its parents are taken into account. */
export interface EffectiveKeywords extends InheritedKeywords {
  /** Own tags plus those of every enclosing block, static import, role (and its dependants) and the play. */
  tags: string[];
  /** Conditions of the enclosing objects first, then the task's own (all must hold). */
  when: Raw[];
  /** Environment dicts, outermost first; later entries win. */
  environment: Raw[];
  /** module_defaults entries, outermost first; later entries win. */
  module_defaults: Raw[];
  /** vars of enclosing blocks/imports merged with the task's own (role and play vars are not included). */
  vars: Record<string, unknown>;
}

/** Keywords written on a block, import, role reference or task itself. */
export interface OwnKeywords extends InheritedKeywords {
  name?: string;
  tags: string[];
  when: Raw[];
  environment: Raw[];
  module_defaults: Raw[];
  vars: Record<string, unknown>;
}

export interface LoopControl {
  loop_var?: string;
  index_var?: string;
  label?: Raw;
  pause?: number | string;
  extended?: RawBool;
  extended_allitems?: RawBool;
  location: SourceLocation;
}

/** The role a task belongs to, with the chain of roles that pulled it in as a dependency (outermost first). */
export interface RoleOccurrence {
  role: Role;
  depChain: Role[];
}

/** include_tasks / include (dynamic): the file is resolved and loaded by the engine through `loadTaskFile`. */
export interface DynamicTaskInclude {
  kind: "include_tasks";
  /** The file as written; may be a template. */
  file: Raw;
  /** `apply:` keywords, which (unlike the include's own) reach the included tasks. */
  apply?: Record<string, unknown>;
  context: IncludeContext;
}

/** include_role (dynamic): loaded by the engine through `loadIncludedRole`. */
export interface DynamicRoleInclude {
  kind: "include_role";
  /** The role name as written; may be a template. */
  role: Raw;
  tasksFrom?: string;
  varsFrom?: string;
  defaultsFrom?: string;
  handlersFrom?: string;
  public: RawBool;
  allowDuplicates: RawBool;
  rolespecValidate: RawBool;
  apply?: Record<string, unknown>;
  context: IncludeContext;
}

/** Everything a run-time include needs to load its file exactly as a static import would have. */
export interface IncludeContext {
  playbookDir: string;
  /** The file the include statement was written in. */
  includingFile: string;
  /** Set when the include was written inside a role. */
  role?: RoleOccurrence;
  handlers: boolean;
  /** What the include's parent passes on (the include's own keywords are not inherited, only its vars). */
  parent: EffectiveKeywords;
  options: ResolvedLoadOptions;
  /** The play's role cache, so roles pulled in at run time dedupe with those loaded before. */
  roles: RoleRegistry;
  /** Task files being included right now, to refuse include cycles. */
  stack: string[];
}

export interface Task {
  kind: "task";
  /** The name as written, or undefined (Ansible then shows the action). */
  name?: string;
  /** Short module name: `ansible.builtin.file` → `file`. */
  action: string;
  /** The module name as written (`ansible.builtin.file`, `community.mysql.mysql_user` or just `file`). */
  actionWritten: string;
  /** The FQCN when the name was written fully qualified. */
  fqcn?: string;
  args: Record<string, unknown>;
  /** Where the module arguments were written (the module key, `action:`/`local_action:` or the task). */
  argsLocation: SourceLocation;
  location: SourceLocation;
  handler: boolean;
  /** Handler topics (`listen:`), handlers only. */
  listen: string[];
  keywords: OwnKeywords;
  loop?: Raw;
  /** The lookup a `with_<lookup>:` loop uses (`items`, `dict`, `fileglob`…); undefined for `loop:`. */
  loopWith?: string;
  loopControl?: LoopControl;
  register?: string;
  changed_when: Raw[];
  failed_when: Raw[];
  until: Raw[];
  retries?: RawInt;
  delay?: RawInt;
  async?: RawInt;
  poll?: RawInt;
  /** Filled once the task is placed in a play: its keywords merged with all its parents'. */
  effective: EffectiveKeywords;
  role?: RoleOccurrence;
  dynamic?: DynamicTaskInclude | DynamicRoleInclude;
}

export interface Block {
  kind: "block";
  name?: string;
  location: SourceLocation;
  block: Node[];
  rescue: Node[];
  always: Node[];
  keywords: OwnKeywords;
  /** True for the block Ansible makes around bare tasks or an import; false for a written `block:`. */
  implicit: boolean;
  /** Set when this block stands for an `import_tasks` / `import_role` statement: its keywords are the import's. */
  importedFrom?: {
    action: "import_tasks" | "include" | "import_role";
    file?: string;
    location: SourceLocation;
  };
  /** The role an `import_role` block expands (its blocks, dependencies first, are this block's children). */
  importedRole?: Role;
  /** Set on the block that holds one role occurrence's tasks (roles: section, dependency or import_role). */
  roleOccurrence?: RoleOccurrence;
  effective: EffectiveKeywords;
  role?: RoleOccurrence;
}

export type Node = Task | Block;

/** A role as referenced: `- web`, `- role: web`, a `meta/main.yml` dependency. */
export interface RoleRef {
  name: string;
  /** Keys that are not role keywords: role parameters (variables with high precedence). */
  params: Record<string, unknown>;
  keywords: OwnKeywords;
  location: SourceLocation;
}

export interface RoleMeta {
  allowDuplicates: boolean;
  dependencies: RoleRef[];
  collections?: string[];
  argumentSpecs?: Record<string, unknown>;
  location?: SourceLocation;
}

/** A role loaded once per play for each distinct (name, parameters) pair, as Ansible's ROLE_CACHE does. */
export interface Role {
  /** Unique in the play: `name` plus a digest of params/keywords. The engine uses it for run-once dedup. */
  id: string;
  name: string;
  path: string;
  ref: RoleRef;
  defaults: Record<string, unknown>;
  vars: Record<string, unknown>;
  meta: RoleMeta;
  dependencies: Role[];
  /** Task blocks of tasks/main (or tasks_from); effective keywords are filled per occurrence when compiled. */
  tasks: Block[];
  handlers: Block[];
  filesDir?: string;
  templatesDir?: string;
  /** True when loaded by include_role/import_role rather than `roles:`. */
  fromInclude: boolean;
}

export interface Warning {
  message: string;
  location?: SourceLocation;
}

export interface Play {
  /** Ansible's play name: `name:` or the hosts joined by commas. */
  name: string;
  nameWritten?: string;
  hosts: string[];
  location: SourceLocation;
  /** The file that holds the play (an imported playbook's own file). */
  file: string;
  /** Directory relative paths of the play resolve against. */
  baseDir: string;
  keywords: OwnKeywords;
  gather_facts?: RawBool;
  gather_subset?: Raw;
  gather_timeout?: RawInt;
  fact_path?: string;
  vars_files: Raw[];
  /** Kept for reporting only; prompts are ignored (with a warning). */
  vars_prompt: Raw[];
  roles: RoleRef[];
  /** Compiled `roles:`: for each role, its dependencies' blocks then its own (Ansible's Play._compile_roles). */
  roleBlocks: Block[];
  /** Every role loaded for the play, in load order, including those of import_role. */
  loadedRoles: Role[];
  pre_tasks: Block[];
  tasks: Block[];
  post_tasks: Block[];
  /** Role handlers first (dependencies before their dependants), then the play's own. */
  handlers: Block[];
  serial: Raw[];
  strategy?: string;
  order?: string;
  force_handlers?: RawBool;
  max_fail_percentage?: number | string;
  /** `when` of an import_playbook statement, checked before the play runs. */
  importConditions: Raw[];
}

export interface Playbook {
  file: string;
  plays: Play[];
  warnings: Warning[];
}

/** Decides whether a task key names a module; `names` (when given) lists them for "did you mean" hints. */
export type IsModule = ((name: string) => boolean) & { names?: () => string[] };

export interface LoadOptions {
  /** Extra role directories (ansible.cfg's roles_path / ANSIBLE_ROLES_PATH), searched after `roles/`. */
  rolesPath?: string[];
  /** Decides whether an unknown task key names a module. */
  isModule: IsModule;
  /** Decides whether `with_<name>` names a lookup plugin; defaults to ansible-core's own lookups. */
  isLookup?: (name: string) => boolean;
}

export interface ResolvedLoadOptions {
  rolesPath: string[];
  isModule: IsModule;
  isLookup: (name: string) => boolean;
  warnings: Warning[];
}
