/**
 * ansible.builtin.assert: evaluates each condition in `that` as a `when:` would; the first false one fails the
 * task with `fail_msg` (or `msg`) and names the assertion. `that` should reach the module untemplated (Ansible reads
 * the task's untemplated args), so each condition is evaluated once, here.
 */
import { ModuleArgsError } from "./args.js";
import { InfraError } from "../util/errors.js";
import type { Module } from "./types.js";
import { ModuleFailure } from "./util/failure.js";

interface AssertArgs {
  that?: unknown;
  fail_msg?: unknown;
  msg?: unknown;
  success_msg?: unknown;
  quiet: boolean;
}

function pyType(v: unknown): string {
  if (typeof v === "number") return Number.isInteger(v) ? "<class 'int'>" : "<class 'float'>";
  if (typeof v === "boolean") return "<class 'bool'>";
  if (v !== null && typeof v === "object") return "<class 'dict'>";
  return "<class 'NoneType'>";
}

function checkMessage(v: unknown, what: string, listWhat: string): unknown {
  if (Array.isArray(v)) {
    if (!v.every((x) => typeof x === "string"))
      throw new ModuleArgsError(`Type of one of the elements in ${listWhat} list is not string type`);
  } else if (typeof v !== "string")
    throw new ModuleArgsError(`Incorrect type for ${what}, expected a string or list and got ${pyType(v)}`);
  return v;
}

export const assert: Module<AssertArgs> = {
  name: "assert",
  aliases: ["ansible.builtin.assert", "ansible.legacy.assert"],
  args: {
    that: { type: "raw" },
    fail_msg: { type: "raw", aliases: ["msg"] },
    success_msg: { type: "raw" },
    quiet: { type: "bool", default: false },
  },
  argCheck: "action",
  checkMode: true,
  controllerOnly: true,
  async run(args, ctx) {
    if (args.that === undefined || args.that === null)
      throw new ModuleArgsError('conditional required in "that" string');
    const failMsg =
      args.fail_msg === undefined || args.fail_msg === null
        ? "Assertion failed"
        : checkMessage(args.fail_msg, "fail_msg or msg", "fail_msg or msg");
    const successMsg =
      args.success_msg === undefined || args.success_msg === null
        ? "All assertions passed"
        : checkMessage(args.success_msg, "success_msg", "success_msg");
    let thats: unknown = args.that;
    if (typeof thats === "string") thats = ctx.templar.template(thats);
    const list = Array.isArray(thats) ? thats : [thats];
    const verbose = args.quiet ? {} : { _ansible_verbose_always: true };
    for (const that of list) {
      let ok: boolean;
      try {
        ok = typeof that === "boolean" ? that : ctx.templar.evaluate(String(that));
      } catch (e) {
        if (e instanceof InfraError) throw new ModuleFailure(e.message);
        throw e;
      }
      if (!ok)
        return {
          ...verbose,
          changed: false,
          failed: true,
          evaluated_to: false,
          assertion: that,
          msg: failMsg,
        };
    }
    return { ...verbose, changed: false, msg: successMsg };
  },
};
