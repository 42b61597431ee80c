/**
 * The cron jobs a role installs, read from the role itself: each `template` task whose destination is in
 * /etc/cron.d is rendered with the host's variables (what the host will really get), and each `cron` module task
 * with a `cron_file` becomes its line. Jobs are then sorted into what they do for a backup: the dump, the full and
 * incremental duplicity uploads, and the retention commands.
 */
import { join } from "node:path";
import { parseCronFile } from "../checks/lib/crontab.js";
import type { Block, Node, Role, Task } from "../playbook/index.js";
import type { Templar } from "../template/templar.js";
import { InfraError } from "../util/errors.js";

export type JobKind = "dump" | "full" | "incremental" | "retention" | "other";

export interface BackupJob {
  file: string;
  schedule: string;
  user: string;
  command: string;
  kind: JobKind;
}

function* tasksOf(nodes: Node[]): Generator<Task> {
  for (const n of nodes) {
    if (n.kind === "task") yield n;
    else yield* tasksOf([...n.block, ...n.rescue, ...n.always]);
  }
}

export function roleTasks(role: Role): Task[] {
  return [...tasksOf(role.tasks as Block[])];
}

export function jobKind(command: string): JobKind {
  if (!/\bduplicity\b/.test(command))
    return /\b(mysqldump|mariadb-dump|influxd\s+backup|pg_dump)\b/.test(command) ? "dump" : "other";
  if (/\bremove-(all-but-n-full|older-than|all-inc-of-but-n-full)\b/.test(command)) return "retention";
  if (/\bfull\b/.test(command)) return "full";
  if (/\bincr(emental)?\b/.test(command)) return "incremental";
  // Plain `duplicity SRC URL` makes a full backup when there is no chain yet and an incremental one otherwise.
  return "incremental";
}

function fromTemplate(role: Role, task: Task, t: Templar): BackupJob[] {
  const dest = String(t.template(task.args.dest ?? ""));
  if (!dest.startsWith("/etc/cron.d/") || task.loop !== undefined) return [];
  const src = String(t.template(task.args.src ?? ""));
  const path = src.startsWith("/") ? src : join(role.templatesDir ?? join(role.path, "templates"), src);
  let text: string;
  try {
    text = t.renderFile(path);
  } catch (e) {
    throw new InfraError(`could not render ${path} for the documentation: ${(e as Error).message}`, {
      location: task.location,
      hint: "infra docs renders cron templates without facts; a template that needs facts cannot be documented.",
    });
  }
  return parseCronFile(dest, "root", 0o644, text).jobs.map((j) => ({
    file: dest,
    schedule: j.schedule,
    user: j.user,
    command: j.command,
    kind: jobKind(j.command),
  }));
}

function fromCronModule(task: Task, t: Templar): BackupJob[] {
  const a = t.template(task.args) as Record<string, unknown>;
  if (!a.cron_file || a.state === "absent" || !a.job || task.loop !== undefined) return [];
  const file = String(a.cron_file).startsWith("/")
    ? String(a.cron_file)
    : `/etc/cron.d/${String(a.cron_file)}`;
  const field = (k: string) => String(a[k] ?? "*");
  const schedule = a.special_time
    ? `@${String(a.special_time)}`
    : [field("minute"), field("hour"), field("day"), field("month"), field("weekday")].join(" ");
  const command = String(a.job);
  return [{ file, schedule, user: String(a.user ?? "root"), command, kind: jobKind(command) }];
}

/** Every cron job the role puts in /etc/cron.d, in the order its tasks write them. */
export function roleCronJobs(role: Role, t: Templar): BackupJob[] {
  return roleTasks(role).flatMap((task) =>
    task.action === "template"
      ? fromTemplate(role, task, t)
      : task.action === "cron"
        ? fromCronModule(task, t)
        : [],
  );
}
