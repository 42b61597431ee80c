/**
 * Running one module for one host: arguments checked as Ansible does (its wording), modules that ignore check mode
 * skipped, and a module's own failure (ModuleFailure) or a bad argument turned into Ansible's failed result. The
 * engine calls this; modules only ever see validated arguments.
 */
import { ModuleArgsError, validateArgs } from "./args.js";
import type { Module, ModuleContext, ModuleResult } from "./types.js";
import { ModuleFailure } from "./util/failure.js";

/** Checks raw arguments against the module's spec; throws ModuleArgsError with Ansible's message. */
export function checkArgs(
  module: Module,
  action: string,
  raw: Record<string, unknown>,
): Record<string, unknown> {
  if (module.argCheck === "any") return { ...raw };
  if (module.argCheck === "action") {
    const known = new Set(Object.entries(module.args).flatMap(([n, o]) => [n, ...(o.aliases ?? [])]));
    const bad = Object.keys(raw).filter((k) => !known.has(k));
    if (bad.length) throw new ModuleArgsError(`Invalid options for ${action}: ${bad.join(",")}`);
  }
  return validateArgs(action, module.args, raw, module.rules);
}

/**
 * Validates `raw` and runs the module. `action` is the name the task used (`file`, `ansible.builtin.file`), which
 * Ansible's messages repeat.
 */
export async function runModule(
  module: Module,
  raw: Record<string, unknown>,
  ctx: ModuleContext,
  action: string = module.name,
): Promise<ModuleResult> {
  let args: Record<string, unknown>;
  try {
    args = checkArgs(module, action, raw);
  } catch (e) {
    if (e instanceof ModuleArgsError) return { changed: false, ...e.fields, failed: true, msg: e.message };
    throw e;
  }
  if (ctx.check && !module.checkMode) {
    return {
      changed: false,
      skipped: true,
      msg: `remote module (${module.name}) does not support check mode`,
    };
  }
  try {
    return await module.run(args, ctx);
  } catch (e) {
    if (e instanceof ModuleFailure) return { changed: false, ...e.fields, failed: true, msg: e.message };
    // An argument the module itself checks (one depending on others, such as line with state=present).
    if (e instanceof ModuleArgsError) return { changed: false, ...e.fields, failed: true, msg: e.message };
    throw e;
  }
}
