/**
 * Module/action names: FQCN ↔ short name, and the special sets Ansible's argument parser treats differently
 * (free-form modules, modules allowed raw params, includes and imports). Sets hold short names; `shortName`
 * folds `ansible.builtin.x` / `ansible.legacy.x` / `community.general.x` to `x` before asking.
 */

/** `community.mysql.mysql_user` → `mysql_user`; a short name stays as it is. */
export function shortName(name: string): string {
  const dot = name.lastIndexOf(".");
  return dot === -1 ? name : name.slice(dot + 1);
}

/** Whether `name` is `short` written short or under ansible.builtin / ansible.legacy (add_internal_fqcns). */
export function isInternal(name: string, ...shorts: string[]): boolean {
  for (const s of shorts) {
    if (name === s || name === `ansible.builtin.${s}` || name === `ansible.legacy.${s}`) return true;
  }
  return false;
}

/** Modules whose free-form string is the command itself (C.MODULE_REQUIRE_ARGS). */
export function isFreeFormModule(name: string): boolean {
  return (
    isInternal(name, "command", "win_command", "shell", "win_shell", "raw", "script") ||
    isInternal(name, "ansible.windows.win_command", "ansible.windows.win_shell")
  );
}

/** Modules that may take `_raw_params` (mod_args.RAW_PARAM_MODULES). */
export function allowsRawParams(name: string): boolean {
  return (
    isFreeFormModule(name) ||
    isInternal(
      name,
      "include",
      "include_vars",
      "include_tasks",
      "include_role",
      "import_tasks",
      "import_role",
      "add_host",
      "group_by",
      "set_fact",
      "meta",
    )
  );
}

/** Actions that are always recognised, whatever modules are installed (mod_args.BUILTIN_TASKS). */
export function isBuiltinTask(name: string): boolean {
  return isInternal(name, "meta", "include", "include_tasks", "include_role", "import_tasks", "import_role");
}

/** command/shell/script: their `cmd` argument is moved to `_raw_params`. */
export function hasCmdArg(name: string): boolean {
  return isInternal(name, "command", "shell", "script");
}

export type IncludeKind = "import_tasks" | "include_tasks" | "include" | "import_role" | "include_role";

/** Which include/import an action is, if any. */
export function includeKind(name: string): IncludeKind | undefined {
  for (const k of ["import_tasks", "include_tasks", "include", "import_role", "include_role"] as const) {
    if (isInternal(name, k)) return k;
  }
  return undefined;
}

export function isImportPlaybook(name: string): boolean {
  return isInternal(name, "import_playbook");
}
