/** `infra apply PLAYBOOK`: ansible-playbook's options and meanings; the work is in ../actions/apply.ts. */
import { Option, type Command } from "commander";
import type { ApplyFlags } from "../actions/apply.js";

const collect = (v: string, prev: string[] = []) => [...prev, v];
const splitCommas = (v: string, prev: string[] = []) => [
  ...prev,
  ...v
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean),
];

export function registerApply(program: Command): void {
  program
    .command("apply")
    .description("run an Ansible playbook against its inventory (like ansible-playbook)")
    .argument("<playbook...>", "playbook file(s)")
    .option("-i, --inventory <path>", "inventory file, directory or host list (repeatable)", collect)
    .option("-l, --limit <pattern>", "further limit selected hosts to a pattern")
    .option("-t, --tags <tags>", "only run tasks tagged with these values", splitCommas)
    .option("--skip-tags <tags>", "skip tasks tagged with these values", splitCommas)
    .option("-C, --check", "don't make any changes; predict what would change")
    .option("-D, --diff", "show the differences in changed files and templates")
    .option(
      "-e, --extra-vars <vars>",
      "extra variables: key=value, YAML/JSON, or @file (repeatable)",
      collect,
    )
    .option("-f, --forks <n>", "number of hosts worked on at once")
    .option("-u, --user <user>", "connect as this user")
    .option("--private-key <file>", "use this file to authenticate the connection")
    .option("-b, --become", "run operations with become (sudo)")
    .option("--become-user <user>", "run operations as this user (default root)")
    .option("-K, --ask-become-pass", "ask for the privilege escalation password")
    .option("--vault-password-file <file>", "vault password file (repeatable)", collect)
    .option("--vault-id <id>", "vault identity label@source (repeatable)", collect)
    .option("-J, --ask-vault-pass", "ask for the vault password")
    .option("--syntax-check", "check the playbook's syntax and exit")
    .option("--list-tasks", "list all tasks that would be executed")
    .option("--list-hosts", "list the hosts each play would run on")
    .option("--list-tags", "list all available tags")
    .option("--start-at-task <name>", "start the playbook at the task with this name")
    .option("--force-handlers", "run handlers even if a task fails")
    .addOption(
      new Option("-v, --verbose", "more output (-vvv for task paths, -vvvv for debugging)")
        .argParser((_v, prev: number) => prev + 1)
        .default(0),
    )
    .option("--json", "one JSON event per line and a final summary, instead of Ansible's text")
    .action(async (playbooks: string[], flags: ApplyFlags) => {
      // Loaded on use: `infra --help` and the other commands don't pay for the engine, modules and transport.
      const { apply } = await import("../actions/apply.js");
      process.exitCode = await apply(playbooks, flags);
    });
}
