/** `infra lab up|down|status|ssh|inventory`: the CLI face of src/lab. */
import { spawn } from "node:child_process";
import type { Command } from "commander";
import { InfraError } from "../../util/errors.js";
import { paths } from "../../lab/files.js";
import { labDown, labStatus, labUp, requireState } from "../../lab/lab.js";

const say = (msg: string) => process.stderr.write(`lab: ${msg}\n`);

export function registerLab(program: Command): void {
  const lab = program
    .command("lab")
    .description(
      "disposable local hosts (containers with OpenSSH, MariaDB, InfluxDB, duplicity, cron, rsync)",
    )
    .option("--name <lab>", "which lab (several can live side by side)", "lab");

  const labName = (cmd: Command) => (cmd.parent?.opts() as { name: string }).name;

  lab
    .command("up")
    .description("start the lab hosts (idempotent) and write their inventory")
    .option("--hosts <n>", "number of hosts: mysql-1, influx-1, backup, then node-04…", (v) => Number(v))
    .action(async (opts: { hosts?: number }, cmd: Command) => {
      const state = await labUp({ lab: labName(cmd), hosts: opts.hosts, log: say });
      process.stdout.write(`${paths(requireState({ lab: state.lab }).home).inventory}\n`);
    });

  lab
    .command("down")
    .description("remove the lab's containers, network and files (the cached image stays)")
    .action(async (_opts: unknown, cmd: Command) => {
      const removed = await labDown({ lab: labName(cmd) });
      say(`removed ${removed} container(s)`);
    });

  lab
    .command("status")
    .description("show the lab hosts and whether they answer")
    .action(async (_opts: unknown, cmd: Command) => {
      const hosts = await labStatus({ lab: labName(cmd) });
      if (!hosts.length) {
        say(`lab "${labName(cmd)}" is not up`);
        process.exitCode = 1;
        return;
      }
      const rows = hosts.map((h) => [
        h.name,
        h.running ? "running" : "stopped",
        `127.0.0.1:${h.port}`,
        h.sshd ? "ssh ok" : "ssh down",
        h.groups.join(","),
      ]);
      const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
      for (const r of rows)
        process.stdout.write(
          r
            .map((c, i) => c.padEnd(widths[i]!))
            .join("  ")
            .trimEnd() + "\n",
        );
      if (hosts.some((h) => !h.running || !h.sshd)) process.exitCode = 1;
    });

  lab
    .command("inventory")
    .description("print the path of the lab's INI inventory")
    .action((_opts: unknown, cmd: Command) => {
      process.stdout.write(`${paths(requireState({ lab: labName(cmd) }).home).inventory}\n`);
    });

  lab
    .command("ssh")
    .description("open a shell on a lab host, or run a command there: infra lab ssh HOST [-- CMD…]")
    .argument("<host>")
    .argument("[command...]")
    .option("--user <user>", "log in as this user", "ubuntu")
    .action(async (host: string, command: string[], opts: { user: string }, cmd: Command) => {
      const { state, home } = requireState({ lab: labName(cmd) });
      const h = state.hosts.find((x) => x.name === host);
      if (!h) {
        throw new InfraError(`no lab host named ${host}`, {
          hint: `Lab hosts: ${state.hosts.map((x) => x.name).join(", ")}.`,
        });
      }
      const p = paths(home);
      const args = [
        "-q",
        "-i",
        p.key,
        "-p",
        String(h.port),
        "-o",
        `UserKnownHostsFile=${p.knownHosts}`,
        "-o",
        "StrictHostKeyChecking=yes",
        "-o",
        "IdentitiesOnly=yes",
      ];
      if (!command.length && process.stdin.isTTY) args.push("-t");
      args.push(`${opts.user}@127.0.0.1`, ...command);
      process.exitCode = await new Promise<number>((res, rej) => {
        const child = spawn("ssh", args, { stdio: "inherit" });
        child.on("error", rej);
        child.on("close", (code) => res(code ?? 255));
      });
    });
}
