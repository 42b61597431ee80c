/**
 * The module contract, as Ansible's: a module declares its arguments and whether it supports check and diff mode,
 * reads the host state it needs (ideally in one command), compares, changes only what differs, and returns
 * `{changed, failed, msg, diff, ...its own fields}`. Playbook keywords (when, loop, register, notify, no_log…)
 * are the engine's business: a module never sees them.
 */
import type { Templar } from "../template/templar.js";
import type { Become, Connection } from "../transport/types.js";
import type { ArgRules, ArgSpec } from "./args.js";

/** One before/after pair, shown as a unified diff with --diff (Ansible's `diff` return value). */
export interface FileDiff {
  before: string;
  after: string;
  before_header?: string;
  after_header?: string;
}

export interface ModuleResult {
  changed: boolean;
  failed?: boolean;
  skipped?: boolean;
  /** Usually text; debug and assert may return a list or dict, as in Ansible. */
  msg?: unknown;
  diff?: FileDiff | FileDiff[];
  /** Facts to merge into the host's variables (set_fact, gathering modules). */
  ansible_facts?: Record<string, unknown>;
  warnings?: string[];
  [field: string]: unknown;
}

export interface ModuleContext {
  /** The inventory name of the host the task runs for. */
  host: string;
  /** The connection to the host the task runs ON (delegate_to changes it). */
  conn: Connection;
  become?: Become;
  check: boolean;
  diff: boolean;
  /** Templating with the task's variables (template module, lookups). */
  templar: Templar;
  /** The task's variables, already merged by precedence (for modules that need them, e.g. template). */
  vars: Record<string, unknown>;
  /**
   * Finds a controller-side file the way Ansible's action plugins do: the role's `files/` (or `templates/`), the
   * role dir, then the playbook dir. Throws an InfraError naming the searched places when not found.
   */
  findFile(kind: "files" | "templates", name: string): string;
  /** Environment variables for commands (the `environment:` keyword, templated). */
  environment: Record<string, string>;
  /** -v count (debug's `verbosity:` compares with it); 0 when not given. */
  verbosity?: number;
  warn(message: string): void;
}

export interface Module<A = Record<string, unknown>> {
  /** Short name (`file`); the registry also answers to every name in `aliases` (FQCNs). */
  name: string;
  aliases: string[];
  /** Arguments, with types, choices, defaults and aliases as Ansible's argument_spec. */
  args: ArgSpec;
  /** Cross-argument rules (mutually exclusive, required together…) checked with the spec. */
  rules?: ArgRules;
  /**
   * How arguments are checked: "spec" (default) as a module's argument_spec; "action" as an action plugin's
   * _VALID_ARGS ("Invalid options for debug: x", then the spec); "any" takes every name (set_fact).
   */
  argCheck?: "spec" | "action" | "any";
  /** Whether the module honours check mode; if not, the engine skips it in check mode as Ansible does. */
  checkMode: boolean;
  /** Which argument takes the free-form text (`command: ls -l` → `_raw_params`), if any. */
  freeForm?: boolean;
  /** Runs on the controller only (debug, set_fact, assert…): no connection is opened for it. */
  controllerOnly?: boolean;
  run(args: A, ctx: ModuleContext): Promise<ModuleResult>;
}
