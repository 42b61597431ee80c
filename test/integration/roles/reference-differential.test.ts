/**
 * The reference playbook applied by infra (lab "ref") and by Debian's ansible-playbook (lab "reftwin"): users,
 * files, modes, owners, cron files, grants and upload directories must match. Keys and addresses differ between
 * labs by nature and are normalised.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { labUp } from "../../../src/lab/lab.js";
import { labHome, paths } from "../../../src/lab/files.js";
import { sshRunIn } from "../lab-helpers.js";
import { ansibleReference, applyReference } from "./reference-helpers.js";

const OURS = "ref";
const THEIRS = "reftwin";
const HOSTS = ["mysql-1", "influx-1", "backup"];

/** Everything the roles manage on a host, as text. */
async function state(lab: string, host: string): Promise<string> {
  const script = [
    "getent passwd backup student | cut -d: -f1,6,7",
    "id -Gn backup 2>/dev/null",
    // Dumps and duplicity's cache hold timestamps: compare their metadata only. Restores left by earlier tests
    // under restore/ are not the roles' doing.
    "sudo find /home/backup /home/student /etc/cron.d \\( -path '*/.cache' -o -path '/home/backup/restore/*' \\) -prune -o -printf '%p %y %m %u %g\\n' 2>/dev/null | sort",
    'for f in /etc/cron.d/mysql-backup /etc/cron.d/influxdb-backup /home/backup/.my.cnf /home/backup/.ssh/known_hosts /home/student/.ssh/authorized_keys; do sudo test -f $f && { echo "== $f"; sudo cat $f; }; done',
    "sudo mysql -N -e \"SHOW GRANTS FOR 'backup'@'localhost'\" 2>/dev/null | sed 's/IDENTIFIED BY PASSWORD .*//'",
  ].join("; ");
  let text = (await sshRunIn(lab, host, script)).stdout;
  for (const h of HOSTS) {
    for (const ip of (await sshRunIn(lab, h, "hostname -I")).stdout.trim().split(/\s+/))
      text = text.split(ip).join(`<ip of ${h}>`);
  }
  return (
    text
      .replace(/AAAA[A-Za-z0-9+/=]+/g, "<key>")
      .replace(/\d{8}T\d{6}Z/g, "<time>")
      .replace(/^(\/home\/backup\/mysql\/|\/home\/backup\/influxdb\/)\S+ f .*$/gm, "$1<dump file>")
      // How many files a dump has depends on the data (shards), not on the roles: one line per folder is enough.
      .split("\n")
      .filter((line, k, all) => line !== all[k - 1])
      .join("\n")
  );
}

describe("reference roles: infra vs ansible-playbook", () => {
  beforeAll(async () => {
    await labUp({ lab: OURS });
    await labUp({ lab: THEIRS });
    // Earlier tests leave extra backup chains on "ref": both labs start from no uploads, so each apply makes one
    // (the roles' marker of a first full backup goes too, or that apply would rightly skip it).
    // The upload user's authorized_keys goes too: tests that remake a client's backup user give it a new key,
    // which either tool appends after the old ones, so the file's order would tell the labs' histories apart.
    for (const lab of [OURS, THEIRS]) {
      await sshRunIn(
        lab,
        "backup",
        "sudo rm -rf /home/student/mysql /home/student/influxdb /home/student/.ssh/authorized_keys",
      );
      for (const h of ["mysql-1", "influx-1"])
        await sshRunIn(lab, h, "sudo rm -rf /home/backup/.cache/duplicity /home/backup/.*-first-full-backup");
    }
  }, 900_000);

  it("reach the same state on every host", async () => {
    const ours = await applyReference(paths(labHome(OURS)).inventory);
    expect(ours.code, ours.stdout + ours.stderr).toBe(0);
    const theirs = await ansibleReference(paths(labHome(THEIRS)).inventory);
    expect(theirs.code, theirs.stdout + theirs.stderr).toBe(0);
    for (const h of HOSTS) {
      const a = await state(OURS, h);
      const b = await state(THEIRS, h);
      expect(a, `state of ${h}`).toBe(b);
      expect(a).toContain("backup");
    }
  }, 900_000);
});
