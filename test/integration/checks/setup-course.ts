/**
 * The reference Lab 9–10 setup on the lab hosts, done by SSH until the course roles exist: user `backup` with an
 * SSH key authorized for the student's user on the backup server, the server's host key in its known_hosts,
 * MySQL user backup@localhost with SELECT, LOCK TABLES on agama, .my.cnf, the two cron files with dump then
 * duplicity (weekly full + daily incremental), and one run of the jobs so chains exist. Plus a repository.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { sshRun } from "../lab-helpers.js";

/** The student's user on the backup server (the lab's example name). */
export const STUDENT = "elvis";
export const MYSQL_PASSWORD = "Backup-pw-1";

export const MYSQL_CRON = `# MySQL backups (Lab 10)
0 0 * * *  backup  mysqldump agama > /home/backup/mysql/agama.sql
15 0 * * 0  backup  duplicity --no-encryption full /home/backup/mysql/ rsync://${STUDENT}@backup/mysql
15 0 * * 1-6  backup  duplicity --no-encryption incremental /home/backup/mysql/ rsync://${STUDENT}@backup/mysql
`;

export const INFLUX_CRON = `# InfluxDB backups (Lab 10)
0 0 * * *  backup  rm -rf /home/backup/influxdb/*; influxd backup -portable -database telegraf /home/backup/influxdb
15 0 * * 0  backup  duplicity --no-encryption full /home/backup/influxdb/ rsync://${STUDENT}@backup/influxdb
15 0 * * 1-6  backup  duplicity --no-encryption incremental /home/backup/influxdb/ rsync://${STUDENT}@backup/influxdb
`;

export const MY_CNF = `[client]
user=backup
password=${MYSQL_PASSWORD}

[mysqldump]
no_tablespaces
`;

/** Runs a script as root on a lab host; throws with its output when it fails. */
export async function root(host: string, script: string): Promise<string> {
  const r = await sshRun(host, `sudo sh -ec ${quote(script)}`);
  if (r.code !== 0)
    throw new Error(`${host}: setup step failed (${r.code}):\n${script}\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

export function quote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Writes a file as root with owner and mode (content travels base64 so any byte survives). */
export function writeFileScript(path: string, content: string, owner = "root:root", mode = "0644"): string {
  const b64 = Buffer.from(content).toString("base64");
  return `printf '%s' ${b64} | base64 -d > ${path}.tmp && chown ${owner} ${path}.tmp && chmod ${mode} ${path}.tmp && mv ${path}.tmp ${path}`;
}

const backupUser = `
id backup >/dev/null 2>&1 || useradd --system --shell /bin/bash backup
install -d -o backup -g backup -m 0755 /home/backup
usermod -d /home/backup backup
install -d -o backup -g backup -m 0700 /home/backup/.ssh
[ -f /home/backup/.ssh/id_ed25519 ] || sudo -u backup ssh-keygen -q -t ed25519 -N '' -C backup -f /home/backup/.ssh/id_ed25519
ssh-keyscan -t ed25519 backup 2>/dev/null > /home/backup/.ssh/known_hosts
chown backup:backup /home/backup/.ssh/known_hosts
install -d -o backup -g backup -m 0755 /home/backup/restore
`;

async function setupBackupServer(keys: string[]): Promise<void> {
  await root(
    "backup",
    `id ${STUDENT} >/dev/null 2>&1 || useradd --create-home --shell /bin/bash ${STUDENT}
install -d -o ${STUDENT} -g ${STUDENT} -m 0700 /home/${STUDENT}/.ssh
install -d -o ${STUDENT} -g ${STUDENT} -m 0755 /home/${STUDENT}/mysql /home/${STUDENT}/influxdb
${writeFileScript(`/home/${STUDENT}/.ssh/authorized_keys`, keys.join("\n") + "\n", `${STUDENT}:${STUDENT}`, "0600")}`,
  );
}

async function setupMysql(): Promise<void> {
  await root(
    "mysql-1",
    `install -d -o backup -g backup -m 0755 /home/backup/mysql
mysql -e "DROP USER IF EXISTS backup@localhost; DROP USER IF EXISTS backup@'%';
  CREATE USER backup@localhost IDENTIFIED BY '${MYSQL_PASSWORD}'; GRANT SELECT, LOCK TABLES ON agama.* TO backup@localhost;"
${writeFileScript("/home/backup/.my.cnf", MY_CNF, "backup:backup", "0600")}
${writeFileScript("/etc/cron.d/mysql-backup", MYSQL_CRON)}`,
  );
}

async function setupInflux(): Promise<void> {
  // Other tests on these hosts may have dropped the sample database; the lab's seed script recreates it if so.
  await root(
    "influx-1",
    `/usr/local/lib/infra-lab/seed-influxdb >/dev/null
install -d -o backup -g backup -m 0755 /home/backup/influxdb
${writeFileScript("/etc/cron.d/influxdb-backup", INFLUX_CRON)}`,
  );
}

/** The commands of the cron jobs, run once as backup in their order: dump, full, then an incremental. */
export function runJobsScript(cron: string): string {
  const commands = cron
    .split("\n")
    .filter((l) => /^\d/.test(l))
    .map((l) => l.replace(/^(\S+\s+){6}/, ""));
  return commands.map((c) => `sudo -H -u backup sh -c ${quote(`cd / && ${c}`)} >/dev/null 2>&1`).join("\n");
}

/** A fresh empty target on the backup server, then one run of the jobs so chains exist. */
export async function runBackups(): Promise<void> {
  await root("backup", `rm -rf /home/${STUDENT}/mysql/* /home/${STUDENT}/influxdb/*`);
  await root("mysql-1", runJobsScript(MYSQL_CRON));
  await root("influx-1", runJobsScript(INFLUX_CRON));
}

export async function setupCourse(): Promise<void> {
  const keys: string[] = [];
  for (const host of ["mysql-1", "influx-1"]) {
    await root(host, backupUser);
    keys.push((await root(host, "cat /home/backup/.ssh/id_ed25519.pub")).trim());
  }
  await setupBackupServer(keys);
  await setupMysql();
  await setupInflux();
  await runBackups();
}

export const BACKUP_RESTORE_MD = `# Backup restore

Install and configure the infrastructure with Ansible:

    ansible-playbook infra.yaml

## MySQL

Download the latest backup and load it as root:

    sudo -u backup duplicity --no-encryption restore rsync://${STUDENT}@backup/mysql /home/backup/restore/mysql
    sudo mysql agama < /home/backup/restore/mysql/agama.sql

Check: \`sudo mysql agama -e 'SELECT COUNT(*) FROM item'\` shows the rows.

## InfluxDB

    sudo -u backup duplicity --no-encryption restore rsync://${STUDENT}@backup/influxdb /home/backup/restore/influxdb
    sudo service telegraf stop
    influx -execute 'DROP DATABASE telegraf'
    sudo influxd restore -portable -database telegraf /home/backup/restore/influxdb
    ansible-playbook infra.yaml

Check: \`influx -database telegraf -execute 'SHOW MEASUREMENTS'\` lists cpu and mem.
`;

export const BACKUP_SLA_MD = `# Backup SLA

## MySQL

Database agama: dump daily at 00:00 UTC, full backup on Sundays 00:15 UTC, incremental Monday–Saturday 00:15 UTC.
Kept 4 weeks. RPO 24 h, RTO 1 h.

## InfluxDB

Database telegraf: backed up daily at 00:00 UTC, full on Sundays, incremental on the other days, 00:15 UTC.
Kept 4 weeks. RPO 24 h, RTO 1 h.
`;

/** A student repository with the lab's "Expected result" files. */
export function courseRepository(overrides: Record<string, string | null> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "infra-check-repo-"));
  const files: Record<string, string | null> = {
    "backup_restore.md": BACKUP_RESTORE_MD,
    "backup_sla.md": BACKUP_SLA_MD,
    "group_vars/all.yaml": "mysql_backup_user: backup\n",
    "infra.yaml": "- name: Init\n  hosts: all\n  roles: [backup]\n",
    "roles/backup/tasks/main.yaml": "- name: duplicity\n  apt: name=duplicity\n",
    "roles/influxdb_backup/tasks/main.yaml":
      "- name: dir\n  file: path=/home/backup/influxdb state=directory owner=backup\n",
    "roles/mysql_backup/tasks/main.yaml":
      "- name: dir\n  file: path=/home/backup/mysql state=directory owner=backup\n",
    ...overrides,
  };
  for (const [path, content] of Object.entries(files)) {
    if (content === null) continue;
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}
