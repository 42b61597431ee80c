/**
 * ansible.builtin.command: runs a program without a shell (the free-form text is split like Python's shlex, or
 * `argv` is given as a list). Always "changed" when it runs; `creates`/`removes` skip it; check mode skips it unless
 * creates/removes decide.
 */
import type { ArgSpec } from "./args.js";
import type { Module } from "./types.js";
import { runCommand, type CommandArgs } from "./util/command-run.js";

export const COMMAND_ARGS: ArgSpec = {
  _raw_params: { type: "str", aliases: ["cmd"] },
  argv: { type: "list", elements: "str" },
  chdir: { type: "path" },
  executable: { type: "str" },
  creates: { type: "path" },
  removes: { type: "path" },
  stdin: { type: "str" },
  stdin_add_newline: { type: "bool", default: true },
  strip_empty_ends: { type: "bool", default: true },
};

export const command: Module<CommandArgs> = {
  name: "command",
  aliases: ["ansible.builtin.command", "ansible.legacy.command"],
  args: COMMAND_ARGS,
  checkMode: true,
  freeForm: true,
  run: (args, ctx) => runCommand(args, ctx, false),
};
