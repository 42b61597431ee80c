/**
 * ansible.builtin.debug: prints `msg`, or a variable/expression given by `var` as Ansible shows it (`{"x": value}`,
 * "VARIABLE IS NOT DEFINED!" when undefined). `verbosity` hides it below that many -v.
 */
import { ModuleArgsError } from "./args.js";
import { InfraError } from "../util/errors.js";
import { TemplateError } from "../template/environment.js";
import { Undefined } from "../template/values.js";
import type { Module, ModuleContext } from "./types.js";

interface DebugArgs {
  msg?: unknown;
  var?: unknown;
  verbosity: number;
}

function isUndefinedError(e: unknown): e is InfraError {
  return e instanceof InfraError && e.cause instanceof TemplateError && e.cause.kind === "undefined";
}

/** Templar.template(var, convert_bare=True): a bare name (or anything with a filter) is read as `{{ name }}`. */
function convertBare(v: unknown, ctx: ModuleContext): unknown {
  if (typeof v !== "string") return v;
  const first = v.split("|")[0]!.split(".")[0]!.split("[")[0]!;
  const known = !(ctx.templar.resolve(first) instanceof Undefined);
  return (v.includes("|") || known) && !v.includes("{{") ? `{{${v}}}` : v;
}

function showVar(v: unknown, ctx: ModuleContext): unknown {
  try {
    let results = ctx.templar.template(convertBare(v, ctx));
    if (results === v) {
      if (typeof results !== "string") throw new Error("undefined");
      results = ctx.templar.template(`{{${results}}}`);
    }
    return results;
  } catch (e) {
    if (!isUndefinedError(e) && !(e instanceof Error && e.message === "undefined")) throw e;
    let text = "VARIABLE IS NOT DEFINED!";
    if ((ctx.verbosity ?? 0) > 0 && e instanceof InfraError)
      text += `: ${e.cause instanceof Error ? e.cause.message : e.message}`;
    return text;
  }
}

export const debug: Module<DebugArgs> = {
  name: "debug",
  aliases: ["ansible.builtin.debug", "ansible.legacy.debug"],
  args: { msg: { type: "raw" }, var: { type: "raw" }, verbosity: { type: "int", default: 0 } },
  argCheck: "action",
  checkMode: true,
  controllerOnly: true,
  async run(args, ctx) {
    if (args.msg !== undefined && args.var !== undefined)
      throw new ModuleArgsError("'msg' and 'var' are incompatible options");
    if (args.verbosity > (ctx.verbosity ?? 0))
      return { changed: false, failed: false, skipped: true, skipped_reason: "Verbosity threshold not met." };
    const result: Record<string, unknown> = { changed: false };
    if (args.msg !== undefined) result.msg = args.msg;
    else if (args.var !== undefined && args.var !== null) {
      const key = Array.isArray(args.var)
        ? "<class 'list'>"
        : typeof args.var === "object"
          ? "<class 'dict'>"
          : String(args.var);
      result[key] = showVar(args.var, ctx);
    } else result.msg = "Hello world!";
    return { ...result, _ansible_verbose_always: true, failed: false, changed: false };
  },
};
