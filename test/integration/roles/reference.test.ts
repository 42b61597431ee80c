/**
 * The reference roles on lab hosts: apply, run the cron jobs as cron would, find duplicity chains on the backup
 * server, restore as the lab's document says (twice), and check the data is back.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { labUp } from "../../../src/lab/lab.js";
import { labHome, paths } from "../../../src/lab/files.js";
import { sshRunIn } from "../lab-helpers.js";
import { recap } from "../engine/course-helpers.js";
import {
  applyReference,
  influxFingerprint,
  mysqlFingerprint,
  parseCronFile,
  runCronJob,
} from "./reference-helpers.js";

// The reference roles change users, grants and cron on their hosts: they get a lab of their own.
const LAB = "ref";
const L = () => LAB;
const inventory = () => paths(labHome(LAB)).inventory;
const sshRun = (host: string, cmd: string) => sshRunIn(LAB, host, cmd);

async function runJobs(host: string, file: string, pick: (cmd: string) => boolean): Promise<void> {
  const { env, jobs } = parseCronFile((await sshRun(host, `cat /etc/cron.d/${file}`)).stdout);
  for (const job of jobs.filter((j) => pick(j.command))) {
    const r = await runCronJob(L(), host, job, env);
    expect(r.code, `${file}: ${job.command}\n${r.stdout}${r.stderr}`).toBe(0);
  }
}
const isDump = (c: string) => !c.includes("duplicity");
const isUpload = (kind: "full" | "incremental") => (c: string) =>
  c.includes(`duplicity`) && c.includes(` ${kind} `);

async function chain(host: string, service: string): Promise<string> {
  const r = await sshRun(
    host,
    `sudo -u backup duplicity collection-status --no-encryption rsync://student@backup/${service}`,
  );
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
}

describe("reference roles", () => {
  beforeAll(async () => {
    // A fresh start for what the roles manage (other tests leave the hosts otherwise alone).
    await labUp({ lab: LAB });
    await sshRun("backup", "sudo rm -rf /home/student/mysql /home/student/influxdb");
    const r = await applyReference(inventory());
    expect(r.code, r.stdout + r.stderr).toBe(0);
  }, 600_000);

  it("a second apply reports changed=0", async () => {
    const r = await applyReference(inventory());
    expect(r.code, r.stdout + r.stderr).toBe(0);
    for (const [host, c] of Object.entries(recap(r.stdout)))
      expect(c.changed, `${host}\n${r.stdout}`).toBe(0);
  });

  it("the backup user can dump the database: `sudo -u backup mysqldump agama >/dev/null; echo $?` prints 0", async () => {
    const r = await sshRun("mysql-1", "sudo -u backup mysqldump agama >/dev/null; echo $?");
    expect(r.stdout).toBe("0\n");
    expect(r.stderr).toBe("");
  });

  it(".my.cnf is the backup user's alone; the MySQL grant is exactly LOCK TABLES, SELECT on agama", async () => {
    expect((await sshRun("mysql-1", "sudo stat -c '%U %G %a' /home/backup/.my.cnf")).stdout).toBe(
      "backup backup 600\n",
    );
    const grants = (await sshRun("mysql-1", "sudo mysql -N -e \"SHOW GRANTS FOR 'backup'@'localhost'\""))
      .stdout;
    expect(grants).toContain("GRANT SELECT, LOCK TABLES ON `agama`.* TO `backup`@`localhost`");
    expect(grants.trim().split("\n")).toHaveLength(2);
  });

  it("cron jobs run as cron would: dump, full upload, then after a change an incremental one", async () => {
    await runJobs("mysql-1", "mysql-backup", isDump);
    await runJobs("mysql-1", "mysql-backup", isUpload("full"));
    await runJobs("influx-1", "influxdb-backup", isDump);
    await runJobs("influx-1", "influxdb-backup", isUpload("full"));
    await sshRun(
      "mysql-1",
      "sudo mysql agama -e \"INSERT INTO item (name, color) VALUES ('fig', 'purple')\"",
    );
    await sshRun(
      "influx-1",
      "curl -sf -XPOST 'http://127.0.0.1:8086/write?db=telegraf' --data-binary 'cpu,host=x usage_idle=1 1700000000000000000'",
    );
    await runJobs("mysql-1", "mysql-backup", isDump);
    await runJobs("mysql-1", "mysql-backup", isUpload("incremental"));
    await runJobs("influx-1", "influxdb-backup", isDump);
    await runJobs("influx-1", "influxdb-backup", isUpload("incremental"));
    for (const [host, service] of [
      ["mysql-1", "mysql"],
      ["influx-1", "influxdb"],
    ] as const) {
      const status = await chain(host, service);
      expect(status).toMatch(/Full\s+\w{3} \w{3}/);
      expect(status).toMatch(/Incremental\s+\w{3} \w{3}/);
    }
  });

  it("MySQL restores from the backup server as the restore doc says, twice, and the data equals the original", async () => {
    const original = await mysqlFingerprint(L(), "agama");
    for (let round = 1; round <= 2; round++) {
      await sshRun("mysql-1", "sudo mysql agama -e 'DELETE FROM item WHERE id > 2'");
      expect(await mysqlFingerprint(L(), "agama")).not.toBe(original);
      const steps = [
        "sudo -u backup rm -rf /home/backup/restore/mysql",
        "sudo -u backup duplicity --no-encryption restore rsync://student@backup/mysql /home/backup/restore/mysql",
        "sudo sh -c 'mysql agama < /home/backup/restore/mysql/agama.sql'",
      ];
      for (const s of steps) {
        const r = await sshRun("mysql-1", s);
        expect(r.code, `round ${round}: ${s}\n${r.stderr}`).toBe(0);
      }
      expect(await mysqlFingerprint(L(), "agama")).toBe(original);
    }
  });

  it("InfluxDB restores from the backup server as the restore doc says, twice, with every point back", async () => {
    const original = await influxFingerprint(L(), "telegraf");
    expect(original).toMatch(/cpu/);
    for (let round = 1; round <= 2; round++) {
      const steps = [
        "sudo -u backup rm -rf /home/backup/restore/influxdb",
        "sudo -u backup duplicity --no-encryption restore rsync://student@backup/influxdb /home/backup/restore/influxdb",
        "influx -execute 'DROP DATABASE telegraf'",
        "sudo influxd restore -portable -database telegraf /home/backup/restore/influxdb",
      ];
      for (const s of steps) {
        const r = await sshRun("influx-1", s);
        expect(r.code, `round ${round}: ${s}\n${r.stdout}${r.stderr}`).toBe(0);
      }
      expect(await influxFingerprint(L(), "telegraf")).toBe(original);
    }
  });
});
