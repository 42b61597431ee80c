/** ansible.builtin.fail: fails the task with `msg` (default "Failed as requested from task"). */
import type { Module } from "./types.js";

export const fail: Module<{ msg?: unknown }> = {
  name: "fail",
  aliases: ["ansible.builtin.fail", "ansible.legacy.fail"],
  args: { msg: { type: "raw" } },
  argCheck: "action",
  checkMode: true,
  controllerOnly: true,
  async run(args) {
    return { changed: false, failed: true, msg: args.msg ?? "Failed as requested from task" };
  },
};
