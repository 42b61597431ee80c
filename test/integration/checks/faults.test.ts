/**
 * Seeded faults on the reference setup: each breaks exactly one thing, must be caught by the right check with the
 * right message while no other check changes, and is undone afterwards.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { rmSync } from "node:fs";
import { grade, expectOnly } from "./grade-helpers.js";
import {
  BACKUP_RESTORE_MD,
  courseRepository,
  MY_CNF,
  MYSQL_CRON,
  MYSQL_PASSWORD,
  root,
  setupCourse,
  STUDENT,
  writeFileScript,
} from "./setup-course.js";
import type { StudentReport } from "../../../src/checks/index.js";

let repo: string;
let baseline: StudentReport;

beforeAll(async () => {
  await setupCourse();
  repo = courseRepository();
  baseline = await grade(repo);
}, 600_000);

afterAll(() => rmSync(repo, { recursive: true, force: true }));

/** Breaks something, grades, undoes it (also when the grading or the assertions fail). */
async function withFault(
  host: string,
  breakIt: string,
  undo: string,
  check: (r: StudentReport) => void,
): Promise<void> {
  await root(host, breakIt);
  try {
    check(await grade(repo));
  } finally {
    await root(host, undo);
  }
}

const mysqlCron = (text: string) => writeFileScript("/etc/cron.d/mysql-backup", text);
const restoreMysqlCron = mysqlCron(MYSQL_CRON);

describe("reference setup", () => {
  test("every check of labs 9 and 10 passes", () => {
    const failing = baseline.tasks.flatMap((t) => t.checks).filter((c) => c.status !== "pass");
    expect(
      failing.map(
        (c) => `${c.id}@${c.host}: ${c.note ?? ""} ${c.results.map((r) => r.message ?? "").join(" ")}`,
      ),
    ).toEqual([]);
    expect(baseline.score).toBe(baseline.maxScore);
    expect(baseline.roles.find((r) => r.role === "mysql")?.hosts).toEqual(["mysql-1"]);
    expect(baseline.roles.find((r) => r.role === "influxdb")?.hosts).toEqual(["influx-1"]);
  });
});

describe("seeded faults", () => {
  test(".my.cnf mode 0644", () =>
    withFault("mysql-1", "chmod 0644 /home/backup/.my.cnf", "chmod 0600 /home/backup/.my.cnf", (r) =>
      expectOnly(baseline, r, {
        "my-cnf@mysql-1": {
          failing: ["mode"],
          message: /\.my\.cnf is mode 0644: it must be readable by backup alone — 0600 or 0400/,
        },
      }),
    ));

  test(".my.cnf owned by root (backup can no longer read it, so the dump fails too)", () =>
    withFault(
      "mysql-1",
      "chown root:root /home/backup/.my.cnf",
      "chown backup:backup /home/backup/.my.cnf",
      (r) =>
        expectOnly(baseline, r, {
          "my-cnf@mysql-1": {
            failing: ["owner"],
            message: /\.my\.cnf is owned by root: it must be owned by backup/,
          },
          "mysql-dump@mysql-1": { failing: ["exit_code"], message: /Access denied for user 'backup'/ },
        }),
    ));

  test("no_tablespaces missing", () =>
    withFault(
      "mysql-1",
      writeFileScript(
        "/home/backup/.my.cnf",
        MY_CNF.replace("no_tablespaces\n", ""),
        "backup:backup",
        "0600",
      ),
      writeFileScript("/home/backup/.my.cnf", MY_CNF, "backup:backup", "0600"),
      (r) =>
        expectOnly(baseline, r, {
          "my-cnf@mysql-1": { failing: ["contains"], message: /add `no_tablespaces` under \[mysqldump\]/ },
        }),
    ));

  test("cron file with a dot in its name", () =>
    withFault(
      "mysql-1",
      "mv /etc/cron.d/mysql-backup /etc/cron.d/mysql-backup.j2",
      "mv /etc/cron.d/mysql-backup.j2 /etc/cron.d/mysql-backup",
      (r) =>
        expectOnly(baseline, r, {
          "mysql-cron@mysql-1": {
            failing: ["file_name"],
            message:
              /cron ignores \/etc\/cron\.d\/mysql-backup\.j2.*rename it to \/etc\/cron\.d\/mysql-backup/,
          },
        }),
    ));

  test("upload at the same minute as the dump", () =>
    withFault("mysql-1", mysqlCron(MYSQL_CRON.replace(/^15 0 /gm, "0 0 ")), restoreMysqlCron, (r) =>
      expectOnly(baseline, r, {
        "mysql-cron@mysql-1": {
          failing: ["order"],
          message: /upload starts at .* 00:00 UTC.*, the same minute as the dump/,
        },
      }),
    ));

  test("upload before the dump", () =>
    withFault("mysql-1", mysqlCron(MYSQL_CRON.replace(/^0 0 /m, "30 0 ")), restoreMysqlCron, (r) =>
      expectOnly(baseline, r, {
        "mysql-cron@mysql-1": {
          failing: ["order"],
          message: /upload starts at .*00:15 UTC.*, before the dump at 00:30 UTC/,
        },
      }),
    ));

  test("incremental on every day and no full", () =>
    withFault(
      "mysql-1",
      mysqlCron(
        MYSQL_CRON.split("\n")
          .filter((l) => !/ full /.test(l))
          .join("\n")
          .replace("15 0 * * 1-6", "15 0 * * *"),
      ),
      restoreMysqlCron,
      (r) =>
        expectOnly(baseline, r, {
          "mysql-cron@mysql-1": {
            failing: ["full"],
            message: /no MySQL upload makes a full backup \(every one is incremental\)/,
          },
        }),
    ));

  test("first backup incremental (an incremental without its full at the start of the target)", () =>
    withFault(
      "backup",
      `cd /home/${STUDENT}/mysql && m=$(ls duplicity-inc.*.manifest | head -n 1) && cp -p "$m" duplicity-inc.20260101T000000Z.to.20260102T000000Z.manifest`,
      `rm -f /home/${STUDENT}/mysql/duplicity-inc.20260101T000000Z.to.20260102T000000Z.manifest`,
      (r) =>
        expectOnly(baseline, r, {
          "mysql-chain@mysql-1": {
            failing: ["first_full"],
            message: /first backup in rsync:\/\/elvis@backup\/mysql .* is incremental/,
          },
        }),
    ));

  test("grants on *.*", () =>
    withFault(
      "mysql-1",
      `mysql -e "REVOKE ALL PRIVILEGES ON agama.* FROM backup@localhost; GRANT SELECT, LOCK TABLES ON *.* TO backup@localhost"`,
      `mysql -e "REVOKE ALL PRIVILEGES ON *.* FROM backup@localhost; GRANT SELECT, LOCK TABLES ON agama.* TO backup@localhost"`,
      (r) =>
        expectOnly(baseline, r, {
          "mysql-grants@mysql-1": {
            failing: ["privileges"],
            message: /backup has LOCK TABLES, SELECT on \*\.\* \(every database\): grant only on agama/,
          },
        }),
    ));

  test("backup user allowed from %", () =>
    withFault(
      "mysql-1",
      `mysql -e "RENAME USER backup@localhost TO backup@'%'"`,
      `mysql -e "RENAME USER backup@'%' TO backup@localhost"`,
      (r) =>
        expectOnly(baseline, r, {
          "mysql-grants@mysql-1": {
            failing: ["host"],
            message: /MySQL user backup is allowed from '%' \(any host\)/,
          },
        }),
    ));

  test("backup dir not owned by backup", () =>
    withFault(
      "mysql-1",
      "chown root:root /home/backup/mysql",
      "chown backup:backup /home/backup/mysql",
      (r) =>
        expectOnly(baseline, r, {
          "mysql-backup-dir@mysql-1": {
            failing: ["owner"],
            message:
              /\/home\/backup\/mysql is owned by root: the mysql_backup role must create it owned by backup/,
          },
        }),
    ));

  test("dump exit code ≠ 0", () =>
    withFault(
      "mysql-1",
      `mysql -e "ALTER USER backup@localhost IDENTIFIED BY 'not-the-password'"`,
      `mysql -e "ALTER USER backup@localhost IDENTIFIED BY '${MYSQL_PASSWORD}'"`,
      (r) =>
        expectOnly(baseline, r, {
          "mysql-dump@mysql-1": {
            failing: ["exit_code"],
            message: /mysqldump agama >\/dev\/null exited with 2 \(mysqldump: Got error: 1045/,
          },
        }),
    ));

  test("InfluxDB cron missing", () =>
    withFault(
      "influx-1",
      "mv /etc/cron.d/influxdb-backup /root/influxdb-backup.saved",
      "mv /root/influxdb-backup.saved /etc/cron.d/influxdb-backup",
      (r) =>
        expectOnly(baseline, r, {
          "influxdb-cron@influx-1": {
            failing: ["jobs"],
            message: /no cron job in \/etc\/cron\.d dumps InfluxDB/,
          },
        }),
    ));

  test("deadline after 01:00 UTC", () =>
    withFault(
      "mysql-1",
      mysqlCron(MYSQL_CRON.replace(/^0 0 /m, "0 1 ").replace(/^15 0 /gm, "15 1 ")),
      restoreMysqlCron,
      (r) =>
        expectOnly(baseline, r, {
          "mysql-cron@mysql-1": {
            failing: ["deadline"],
            message:
              /runs at .* 01:00 UTC \(03:00 Europe\/Tallinn\), after the hosts are destroyed at 01:00 UTC/,
          },
        }),
    ));

  test("backup_restore.md without an InfluxDB section", async () => {
    const broken = courseRepository({
      "backup_restore.md": BACKUP_RESTORE_MD.replace(/## InfluxDB[\s\S]*$/, ""),
    });
    try {
      expectOnly(baseline, await grade(broken), {
        "influxdb-restore-doc@repo": {
          failing: ["section"],
          message: /backup_restore\.md has no InfluxDB section/,
        },
      });
    } finally {
      rmSync(broken, { recursive: true, force: true });
    }
  });

  test("no duplicity chain on the backup server (the drill that needs it is skipped)", () =>
    withFault(
      "backup",
      `cd /home/${STUDENT} && mv mysql mysql.aside && install -d -o ${STUDENT} -g ${STUDENT} mysql`,
      `cd /home/${STUDENT} && rm -rf mysql && mv mysql.aside mysql`,
      (r) =>
        expectOnly(baseline, r, {
          "mysql-chain@mysql-1": {
            failing: ["chain", "first_full", "age"],
            message: /rsync:\/\/elvis@backup\/mysql holds no duplicity backup chain/,
          },
          "mysql-restore-drill@mysql-1": { status: "skip", failing: [], message: /needs mysql-chain/ },
        }),
    ));
});
