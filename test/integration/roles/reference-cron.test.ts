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
    // A job set for the coming minute may be missed if that minute starts too soon; aim at the one after.
    const secs = Number((await ssh("mysql-1", "date -u +%S")).stdout.trim());
    const dump = await inMinutes(secs > 40 ? 2 : 1);
    const upload = await inMinutes(secs > 40 ? 3 : 2);
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

    const started = dump.epoch;
    const deadline = Date.now() + 200_000;
    let dumped = false;
    let uploaded = false;
    while (Date.now() < deadline && !(dumped && uploaded)) {
      await new Promise((res) => setTimeout(res, 10_000));
      const mtime = Number(
        (await ssh("mysql-1", "sudo stat -c %Y /home/backup/mysql/agama.sql")).stdout.trim(),
      );
      dumped = mtime >= started;
      const latest = (await ssh("backup", "sudo ls -t /home/student/mysql | head -1")).stdout.trim();
      const m = /duplicity-(?:full|inc|new-signatures)\.[^.]*?(\d{8}T\d{6}Z)/.exec(latest);
      if (m) {
        const t = m[1]!.replace(/(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z/, "$1-$2-$3T$4:$5:$6Z");
        uploaded = Date.parse(t) / 1000 >= started;
      }
    }
    expect(dumped, "cron ran the dump").toBe(true);
    expect(uploaded, "cron ran the upload after it").toBe(true);
  }, 400_000);
});
