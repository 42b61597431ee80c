/**
 * ansible.builtin.raw: the text goes to the host's shell as is, as Ansible's low-level execute does (no module, no
 * python needed). Always changed; skipped in check mode; the `environment:` keyword is ignored with a warning.
 */
import { ModuleArgsError } from "./args.js";
import type { Module } from "./types.js";
import { withLines } from "./util/command-run.js";

interface RawArgs {
  _raw_params?: string | null;
  executable?: string | null;
}

export const raw: Module<RawArgs> = {
  name: "raw",
  aliases: ["ansible.builtin.raw", "ansible.legacy.raw"],
  args: { _raw_params: { type: "str" }, executable: { type: "str" } },
  // Ansible's raw action returns `skipped` itself in check mode; the module does that too, with its result shape.
  checkMode: true,
  freeForm: true,
  async run(args, ctx) {
    if (Object.keys(ctx.environment).length) ctx.warn("raw module does not support the environment keyword");
    if (ctx.check) return { changed: false, skipped: true };
    // Ansible sends the word "None" to the shell here (rc 127); naming the mistake is kinder and fails the same.
    if (!args._raw_params?.trim()) throw new ModuleArgsError("no command given");
    const r = await ctx.conn.exec(args._raw_params ?? "", {
      become: ctx.become,
      ...(args.executable ? { shell: args.executable } : {}),
    });
    const result = withLines({ changed: true, rc: r.rc, stdout: r.stdout, stderr: r.stderr });
    if (r.rc !== 0) Object.assign(result, { failed: true, msg: "non-zero return code" });
    return result;
  },
};
