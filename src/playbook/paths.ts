/**
 * Where a relative task file named by import_tasks/include_tasks lives: in a role, the role's tasks/ (or
 * handlers/) dir first; then beside the file that names it; then the playbook's dir (as Ansible's
 * path_dwim_relative searches). Also the small static templating import paths may use.
 */
import { existsSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, isAbsolute, join, resolve } from "node:path";
import type { SourceLocation } from "../util/errors.js";
import { missingError, parseError } from "./problems.js";
import type { Role } from "./types.js";

export interface TaskFileSearch {
  role?: Role;
  includingFile: string;
  playbookDir: string;
  handlers: boolean;
}

function expandHome(p: string): string {
  return p === "~" || p.startsWith("~/") ? join(homedir(), p.slice(1)) : p;
}

/** Every place a task file is looked for, in order. */
export function taskFileCandidates(target: string, search: TaskFileSearch): string[] {
  if (isAbsolute(target) || target.startsWith("~")) return [resolve(expandHome(target))];
  const out: string[] = [];
  if (search.role) {
    out.push(join(search.role.path, search.handlers ? "handlers" : "tasks", target));
  }
  out.push(join(dirname(search.includingFile), target));
  if (search.role) out.push(join(search.role.path, target));
  out.push(join(search.playbookDir, target));
  return [...new Set(out.map((p) => resolve(p)))];
}

/** The first candidate that is a file, or an error listing where it looked. */
export function resolveTaskFile(target: string, search: TaskFileSearch, loc: SourceLocation): string {
  const candidates = taskFileCandidates(target, search);
  for (const c of candidates) {
    if (existsSync(c) && statSync(c).isFile()) return c;
  }
  throw missingError(
    `Could not find or access '${target}'`,
    loc,
    `Searched:\n${candidates.map((c) => `  ${c}`).join("\n")}`,
  );
}

/**
 * Static imports are resolved at load time, so a path may only use variables known then (the play's vars and
 * an import_playbook's vars). `{{ name }}` with such a variable is substituted; anything else is an error.
 */
export function renderStaticPath(text: string, vars: Record<string, unknown>, loc: SourceLocation): string {
  return text
    .replace(/\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g, (whole, name: string) => {
      const v = vars[name];
      if (typeof v === "string" || typeof v === "number") return String(v);
      throw parseError(
        `Error when evaluating variable in import path: ${text}`,
        loc,
        "Static imports can only use variables defined in the play's vars (or passed to import_playbook); " +
          "use include_tasks/include_role for paths that depend on facts or inventory.",
      );
    })
    .replace(/\{\{|\{%/g, (m) => {
      throw parseError(
        `Error when evaluating variable in import path: ${text}`,
        loc,
        `Unsupported template ${m}…`,
      );
    });
}
