/** Running the reference playbook and its cron jobs on lab hosts, the way cron and the lab's restore doc would. */
import { resolve } from "node:path";
import { run, type RunResult } from "../../../src/util/exec.js";
import { sshRunIn } from "../lab-helpers.js";

const ROOT = resolve(".");
const CLI = resolve("bin/infra.js");

export function applyReference(inventory: string, args: string[] = []): Promise<RunResult> {
  return run(process.execPath, [CLI, "apply", "-i", inventory, "playbooks/infra.yaml", ...args], {
    cwd: ROOT,
    env: { ...process.env, ANSIBLE_NOCOLOR: "1" },
  });
}

/**
 * Root commands that start the reference backups afresh, by host: the backup server's targets go, and so do each
 * client's first-full markers and duplicity cache. Deleting only the targets is not enough on a lab kept from an
 * earlier run: its markers say the first full backup was made, the next apply makes none, and the chains stay empty.
 */
export const FRESH_BACKUP_CHAINS: Record<string, string> = {
  backup: "rm -rf /home/student/mysql /home/student/influxdb",
  "mysql-1": "rm -rf /home/backup/.cache/duplicity /home/backup/.mysql-first-full-backup",
  "influx-1": "rm -rf /home/backup/.cache/duplicity /home/backup/.influxdb-first-full-backup",
};

/** FRESH_BACKUP_CHAINS on a lab, through `runAsRoot(host, command)`. */
export async function freshBackupChains(
  runAsRoot: (host: string, command: string) => Promise<unknown>,
): Promise<void> {
  for (const [host, command] of Object.entries(FRESH_BACKUP_CHAINS)) await runAsRoot(host, command);
}

export function ansibleReference(inventory: string, args: string[] = []): Promise<RunResult> {
  return run("ansible-playbook", ["-i", inventory, "playbooks/infra.yaml", ...args], {
    cwd: ROOT,
    env: { ...process.env, ANSIBLE_NOCOLOR: "1" },
  });
}

export interface CronJob {
  minute: string;
  hour: string;
  weekday: string;
  user: string;
  command: string;
}

/** The jobs of a cron.d file (5 time fields, a user, the command), with the file's PATH/SHELL variables. */
export function parseCronFile(text: string): { env: Record<string, string>; jobs: CronJob[] } {
  const env: Record<string, string> = {};
  const jobs: CronJob[] = [];
  for (const line of text.split("\n")) {
    const t = line.trim();
    if (!t || t.startsWith("#")) continue;
    const v = /^([A-Z_]+)=(.*)$/.exec(t);
    if (v) {
      env[v[1]!] = v[2]!;
      continue;
    }
    const m = /^(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(.*)$/.exec(t);
    if (m) jobs.push({ minute: m[1]!, hour: m[2]!, weekday: m[5]!, user: m[6]!, command: m[7]! });
  }
  return { env, jobs };
}

/** Runs a cron job as cron does: as its user, with cron's minimal environment plus the file's variables. */
export function runCronJob(
  lab: string,
  host: string,
  job: CronJob,
  fileEnv: Record<string, string>,
): Promise<RunResult> {
  const home = job.user === "root" ? "/root" : `/home/${job.user}`;
  const env = { HOME: home, LOGNAME: job.user, SHELL: "/bin/sh", PATH: "/usr/bin:/bin", ...fileEnv };
  const assignments = Object.entries(env)
    .map(([k, v]) => `${k}='${v.replace(/'/g, "'\\''")}'`)
    .join(" ");
  const cmd = job.command.replace(/'/g, "'\\''");
  return sshRunIn(lab, host, `cd / && sudo -u ${job.user} env -i ${assignments} /bin/sh -c '${cmd}'`);
}

/** Per-table row counts and CHECKSUM TABLE values of a MySQL database, one line per table. */
export async function mysqlFingerprint(lab: string, db: string): Promise<string> {
  const tables = (await sshRunIn(lab, "mysql-1", `sudo mysql -N -e 'SHOW TABLES' ${db}`)).stdout
    .trim()
    .split("\n");
  const lines: string[] = [];
  for (const t of tables) {
    const count = (
      await sshRunIn(lab, "mysql-1", `sudo mysql -N -e 'SELECT COUNT(*) FROM \`${t}\`' ${db}`)
    ).stdout.trim();
    const sum = (await sshRunIn(lab, "mysql-1", `sudo mysql -N -e 'CHECKSUM TABLE \`${t}\`' ${db}`)).stdout
      .trim()
      .split(/\s+/)
      .pop();
    lines.push(`${t} rows=${count} checksum=${sum}`);
  }
  return lines.join("\n");
}

/** Point counts per measurement of an InfluxDB database. */
export async function influxFingerprint(lab: string, db: string): Promise<string> {
  const r = await sshRunIn(
    lab,
    "influx-1",
    `influx -database ${db} -format csv -execute 'SELECT COUNT(*) FROM /.*/'`,
  );
  return r.stdout.trim();
}
