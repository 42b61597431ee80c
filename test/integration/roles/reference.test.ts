/**
 * The reference roles on lab hosts: apply, run the cron jobs as cron would, find duplicity chains on the backup
 * server, restore as the lab's document says (twice), and check the data is back.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { labUp } from "../../../src/lab/lab.js";
import { labHome, paths } from "../../../src/lab/files.js";
import { shellQuote } from "../../../src/transport/index.js";
import { sshRunIn } from "../lab-helpers.js";
import { recap } from "../engine/course-helpers.js";
import {
  applyReference,
  freshBackupChains,
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

/** Whether a cron field (a star, `1,3`, `1-5`, a step such as `0-59/2`) admits `value`. */
function fieldAdmits(field: string, value: number): boolean {
  return field.split(",").some((part) => {
    const [range, step] = part.split("/");
    const [lo, hi] = range === "*" ? [0, 59] : range!.split("-").map(Number);
    const top = hi ?? (step ? 59 : lo!);
    return value >= lo! && value <= top && (value - lo!) % Number(step ?? 1) === 0;
  });
}

/**
 * Runs every job of a cron.d file that cron starts on `weekday` (0 = Sunday), in the order of their times that
 * day, as cron would; returns their commands in that order.
 */
async function runDay(host: string, file: string, weekday: number): Promise<string[]> {
  const { env, jobs } = parseCronFile((await sshRun(host, `cat /etc/cron.d/${file}`)).stdout);
  const at = (j: { minute: string; hour: string }) => Number(j.hour) * 60 + Number(j.minute);
  const today = jobs.filter((j) => fieldAdmits(j.weekday, weekday)).sort((a, b) => at(a) - at(b));
  expect(today.length, `${file}: jobs on weekday ${weekday}`).toBeGreaterThanOrEqual(2);
  for (const job of today) {
    const r = await runCronJob(L(), host, job, env);
    expect(r.code, `${file}: ${job.command}\n${r.stdout}${r.stderr}`).toBe(0);
  }
  return today.map((j) => j.command);
}

/** Backup sets of each kind that duplicity's collection-status lists (every chain). */
function sets(status: string): { full: number; incremental: number } {
  return {
    full: status.match(/^\s+Full\s+\w{3} \w{3}/gm)?.length ?? 0,
    incremental: status.match(/^\s+Incremental\s+\w{3} \w{3}/gm)?.length ?? 0,
  };
}

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
    await freshBackupChains((host, command) => sshRun(host, `sudo sh -c ${shellQuote(command)}`));
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

  it("cron jobs run as cron would, in schedule order: a full chain on the full day, an incremental after a change", async () => {
    const services = [
      { host: "mysql-1", file: "mysql-backup", service: "mysql", dump: "mysqldump" },
      { host: "influx-1", file: "influxdb-backup", service: "influxdb", dump: "influxd backup" },
    ] as const;
    const before = await Promise.all(services.map(async (s) => sets(await chain(s.host, s.service))));
    // Sunday is backup_full_weekday: the dump comes first, then a full upload.
    for (const [i, s] of services.entries()) {
      const ran = await runDay(s.host, s.file, 0);
      expect(ran[0], s.file).toContain(s.dump);
      expect(
        ran.filter((c) => / full /.test(c)),
        s.file,
      ).toHaveLength(1);
      expect(
        ran.some((c) => / incremental /.test(c)),
        s.file,
      ).toBe(false);
      expect(sets(await chain(s.host, s.service)), s.file).toEqual({
        ...before[i]!,
        full: before[i]!.full + 1,
      });
    }
    await sshRun(
      "mysql-1",
      "sudo mysql agama -e \"INSERT INTO item (name, color) VALUES ('fig', 'purple')\"",
    );
    await sshRun(
      "influx-1",
      "curl -sf -XPOST 'http://127.0.0.1:8086/write?db=telegraf' --data-binary 'cpu,host=x usage_idle=1 1700000000000000000'",
    );
    // Monday: the dump, then an incremental on top of Sunday's full chain.
    for (const [i, s] of services.entries()) {
      const ran = await runDay(s.host, s.file, 1);
      expect(ran[0], s.file).toContain(s.dump);
      expect(
        ran.some((c) => / full /.test(c)),
        s.file,
      ).toBe(false);
      const status = await chain(s.host, s.service);
      expect(sets(status), s.file).toEqual({
        full: before[i]!.full + 1,
        incremental: before[i]!.incremental + 1,
      });
      // The primary (newest) chain, listed after any older ones: Sunday's full with Monday's incremental on it.
      const primary = status.slice(status.indexOf("Found primary backup chain"));
      expect(sets(primary), s.file).toEqual({ full: 1, incremental: 1 });
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
