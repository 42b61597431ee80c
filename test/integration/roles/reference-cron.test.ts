/** With a schedule a minute ahead, the lab host's real cron daemon dumps and uploads by itself. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labUp } from "../../../src/lab/lab.js";
import { labHome, paths } from "../../../src/lab/files.js";
import { sshRunIn } from "../lab-helpers.js";
import { applyReference } from "./reference-helpers.js";

const LAB = "ref";
const inventory = () => paths(labHome(LAB)).inventory;
const ssh = (host: string, cmd: string) => sshRunIn(LAB, host, cmd);

/** Host time (UTC) as minute/hour a few minutes from now. */
async function inMinutes(n: number): Promise<{ minute: number; hour: number; epoch: number }> {
  const epoch = Number((await ssh("mysql-1", "date -u +%s")).stdout.trim());
  const at = new Date((epoch + n * 60) * 1000);
  return { minute: at.getUTCMinutes(), hour: at.getUTCHours(), epoch };
}

describe("reference roles with the real cron daemon", () => {
  beforeAll(async () => {
    await labUp({ lab: LAB });
  }, 600_000);

  afterAll(async () => {
    await applyReference(inventory()); // back to the documented schedule
  }, 600_000);

  it("runs the dump and then the upload within two minutes of a schedule set through variables", async () => {
    // A job set for a minute that starts before the apply is done would be missed: aim at least 30 s ahead.
    const secs = Number((await ssh("mysql-1", "date -u +%S")).stdout.trim());
    const ahead = secs > 30 ? 2 : 1;
    const dump = await inMinutes(ahead);
    const upload = await inMinutes(ahead + 1);
    const r = await applyReference(inventory(), [
      "--limit",
      "mysql-1,backup",
      "-e",
      `mysql_backup_dump_schedule='${dump.minute} ${dump.hour} * * *'`,
      "-e",
      JSON.stringify({
        mysql_backup_upload_time: { minute: String(upload.minute), hour: String(upload.hour) },
      }),
    ]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const cronFile = (await ssh("mysql-1", "cat /etc/cron.d/mysql-backup")).stdout;
    expect(cronFile).toContain(`${dump.minute} ${dump.hour} * * *  backup  mysqldump agama`);

    // What exists once the apply is done (it may itself have made the first full backup): cron's work is what
    // comes after, so the proof cannot come from the apply.
    const appliedAt = Number((await ssh("mysql-1", "date -u +%s")).stdout.trim());
    const dumpMinute = Math.floor((dump.epoch + ahead * 60) / 60) * 60;
    expect(appliedAt, "the apply ended after the dump's minute began; the trial proves nothing").toBeLessThan(
      dumpMinute,
    );
    const listing = async () =>
      (await ssh("backup", "sudo ls /home/student/mysql")).stdout.split("\n").filter(Boolean);
    const before = new Set(await listing());

    const deadline = Date.now() + 240_000;
    let dumpedAt = 0;
    let uploadedAt = 0;
    while (Date.now() < deadline && !(dumpedAt && uploadedAt)) {
      await new Promise((res) => setTimeout(res, 10_000));
      const mtime = Number(
        (await ssh("mysql-1", "sudo stat -c %Y /home/backup/mysql/agama.sql")).stdout.trim(),
      );
      if (mtime >= appliedAt) dumpedAt = mtime;
      // A new manifest: duplicity-full.T.manifest or duplicity-inc.FROM.to.T.manifest, T the backup's time.
      for (const name of (await listing()).filter((n) => !before.has(n) && n.endsWith(".manifest"))) {
        const stamps = [...name.matchAll(/(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z/g)];
        const [, y, mo, d, h, mi, se] = stamps[stamps.length - 1]!;
        uploadedAt = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${se}Z`) / 1000;
      }
    }
    expect(dumpedAt, "cron ran the dump at its minute").toBeGreaterThanOrEqual(dumpMinute);
    expect(uploadedAt, "cron ran the upload").toBeGreaterThan(0);
    expect(uploadedAt, "the upload started after the dump had finished").toBeGreaterThanOrEqual(dumpedAt);
  }, 400_000);
});
