/**
 * ansible.builtin.shell: like command, but the text runs in /bin/sh (or `executable`), so pipes, redirections and
 * variables work. No `argv`.
 */
import type { Module } from "./types.js";
import { COMMAND_ARGS } from "./command.js";
import { runCommand, type CommandArgs } from "./util/command-run.js";

const { argv: _argv, ...SHELL_ARGS } = COMMAND_ARGS;

export const shell: Module<CommandArgs> = {
  name: "shell",
  aliases: ["ansible.builtin.shell", "ansible.legacy.shell"],
  args: SHELL_ARGS,
  checkMode: true,
  freeForm: true,
  run: (args, ctx) => runCommand(args, ctx, true),
};
