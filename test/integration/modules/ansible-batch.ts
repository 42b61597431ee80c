/**
 * Many module calls in ONE ansible-playbook run (one task each, failures ignored), for differential tests with
 * dozens of cases: Ansible's start-up costs seconds per call, a playbook pays it once.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { paths } from "../../../src/lab/files.js";
import { run as runProgram } from "../../../src/util/exec.js";
import { lab } from "../lab-helpers.js";

export interface BatchTask {
  module: string;
  args: Record<string, unknown>;
}

export async function ansibleBatch(
  host: string,
  tasks: BatchTask[],
  o: { check?: boolean; diff?: boolean } = {},
): Promise<Record<string, unknown>[]> {
  const dir = mkdtempSync(join(tmpdir(), "infra-batch-"));
  const play = [
    {
      hosts: host,
      gather_facts: false,
      become: true,
      tasks: tasks.map((t) => ({ [t.module]: t.args, ignore_errors: true })),
    },
  ];
  writeFileSync(join(dir, "play.yml"), JSON.stringify(play));
  const p = paths(lab().home);
  const r = await runProgram(
    "ansible-playbook",
    [
      "-i",
      lab().inventory,
      join(dir, "play.yml"),
      ...(o.check ? ["--check"] : []),
      ...(o.diff ? ["--diff"] : []),
    ],
    {
      env: {
        ...process.env,
        ANSIBLE_STDOUT_CALLBACK: "json",
        ANSIBLE_SSH_ARGS: `-o UserKnownHostsFile=${p.knownHosts} -o StrictHostKeyChecking=yes`,
        ANSIBLE_NOCOLOR: "1",
      },
    },
  );
  const start = r.stdout.indexOf("{");
  if (start < 0) throw new Error(`ansible-playbook printed no JSON: ${r.stdout}\n${r.stderr}`);
  const doc = JSON.parse(r.stdout.slice(start)) as {
    plays: { tasks: { hosts: Record<string, Record<string, unknown>> }[] }[];
  };
  return doc.plays[0]!.tasks.map((t) => t.hosts[host]!);
}
