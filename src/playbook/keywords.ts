/**
 * The keywords Ansible 2.14 accepts on each kind of object (the FieldAttributes of Play, Block, Task, Handler,
 * RoleInclude, RoleMetadata, LoopControl and PlaybookInclude). A key outside these lists is an error, as in Ansible.
 */

/** Base + CollectionSearch: valid on plays, blocks, roles and tasks. */
const BASE = [
  "name",
  "connection",
  "port",
  "remote_user",
  "vars",
  "module_defaults",
  "environment",
  "no_log",
  "run_once",
  "ignore_errors",
  "ignore_unreachable",
  "check_mode",
  "diff",
  "any_errors_fatal",
  "throttle",
  "timeout",
  "debugger",
  "become",
  "become_method",
  "become_user",
  "become_flags",
  "become_exe",
  "collections",
] as const;

export const PLAY_KEYWORDS: ReadonlySet<string> = new Set([
  ...BASE,
  "tags",
  "hosts",
  "gather_facts",
  "gather_subset",
  "gather_timeout",
  "fact_path",
  "vars_files",
  "vars_prompt",
  "roles",
  "handlers",
  "pre_tasks",
  "post_tasks",
  "tasks",
  "force_handlers",
  "max_fail_percentage",
  "serial",
  "strategy",
  "order",
]);

export const BLOCK_KEYWORDS: ReadonlySet<string> = new Set([
  ...BASE,
  "tags",
  "when",
  "block",
  "rescue",
  "always",
  "notify",
  "delegate_to",
  "delegate_facts",
]);

export const TASK_KEYWORDS: ReadonlySet<string> = new Set([
  ...BASE,
  "tags",
  "when",
  "args",
  "action",
  "async",
  "changed_when",
  "delay",
  "delegate_to",
  "delegate_facts",
  "failed_when",
  "loop",
  "loop_control",
  "notify",
  "poll",
  "register",
  "retries",
  "until",
]);

export const HANDLER_KEYWORDS: ReadonlySet<string> = new Set([...TASK_KEYWORDS, "listen"]);

/** Keys a task may carry that are neither attributes nor modules (ModuleArgsParser's extra list). */
export const TASK_EXTRA_KEYS: ReadonlySet<string> = new Set(["local_action", "static"]);

/** Keywords include_tasks/include_role accept; anything else is "not a valid attribute for a TaskInclude". */
export const INCLUDE_KEYWORDS: ReadonlySet<string> = new Set([
  "action",
  "args",
  "collections",
  "debugger",
  "ignore_errors",
  "loop",
  "loop_control",
  "name",
  "no_log",
  "register",
  "run_once",
  "tags",
  "timeout",
  "vars",
  "when",
]);

export const ROLE_REF_KEYWORDS: ReadonlySet<string> = new Set([
  ...BASE,
  "tags",
  "when",
  "role",
  "delegate_to",
  "delegate_facts",
]);

export const ROLE_META_KEYWORDS: ReadonlySet<string> = new Set([
  ...BASE,
  "allow_duplicates",
  "argument_specs",
  "dependencies",
  "galaxy_info",
]);

export const LOOP_CONTROL_KEYWORDS: ReadonlySet<string> = new Set([
  "loop_var",
  "index_var",
  "label",
  "pause",
  "extended",
  "extended_allitems",
]);

export const PLAYBOOK_IMPORT_KEYWORDS: ReadonlySet<string> = new Set([
  ...BASE.filter((k) => k !== "collections"),
  "tags",
  "when",
  "import_playbook",
  "ansible.builtin.import_playbook",
  "ansible.legacy.import_playbook",
]);

export const VARS_PROMPT_KEYS: ReadonlySet<string> = new Set([
  "name",
  "prompt",
  "default",
  "private",
  "confirm",
  "encrypt",
  "salt_size",
  "salt",
  "unsafe",
]);

/** Keywords whose values are inherited from enclosing blocks, roles and the play (Ansible's FieldAttribute). */
export const INHERITED_KEYWORDS = [
  "connection",
  "port",
  "remote_user",
  "no_log",
  "run_once",
  "ignore_errors",
  "ignore_unreachable",
  "check_mode",
  "diff",
  "any_errors_fatal",
  "throttle",
  "timeout",
  "debugger",
  "become",
  "become_method",
  "become_user",
  "become_flags",
  "become_exe",
  "delegate_to",
  "delegate_facts",
  "notify",
  "collections",
] as const;

/** Lookup plugins shipped with ansible-core 2.14: `with_<name>` is a loop only for these (unless told more). */
export const BUILTIN_LOOKUPS: ReadonlySet<string> = new Set([
  "config",
  "csvfile",
  "dict",
  "env",
  "file",
  "fileglob",
  "first_found",
  "indexed_items",
  "ini",
  "inventory_hostnames",
  "items",
  "lines",
  "list",
  "nested",
  "password",
  "pipe",
  "random_choice",
  "sequence",
  "subelements",
  "template",
  "together",
  "unvault",
  "url",
  "varnames",
  "vars",
]);
