/**
 * `infra check` only reads what it grades. On its own lab ("readonly") converged by the reference playbook:
 *
 * 1. Grading lab 10 with the drills off changes nothing on any host: the trees the lab is about (home of backup,
 *    cron.d, the database configuration, the backup server's duplicity targets — every path's type, mode, owner,
 *    size, mtime and content hash), the MySQL databases, users, grants and table checksums, the InfluxDB databases,
 *    users and point counts, and the names in /tmp are the same before and after.
 * 2. Restore drills that fail half-way leave nothing behind: the newest MySQL backup is a dump cut off in the middle
 *    of a statement (the drill has made and partly filled its scratch database when the load fails), the InfluxDB
 *    chain has a damaged volume (the restore fails after the scratch directory was made). Both drills are reported
 *    failed with the reason, and no scratch database or scratch directory is left on any host.
 */
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  builtinDefinition,
  gradeStudent,
  loadDefinitions,
  type StudentReport,
} from "../../../src/checks/index.js";
import { loadInventory } from "../../../src/inventory/index.js";
import { ConnectionPool } from "../../../src/transport/index.js";
import { dropLab, ownLab, type OwnLab } from "../reliability/own-lab.js";
import { applyReference, freshBackupChains, parseCronFile, runCronJob } from "../roles/reference-helpers.js";

const LAB = "readonly";
const HOSTS = ["mysql-1", "influx-1", "backup"];

/** The trees each host's grading could touch (backup's home, cron, configuration, uploaded backups). */
const TREES: Record<string, string[]> = {
  "mysql-1": ["/home/backup", "/etc/cron.d", "/etc/mysql", "/var/backups"],
  "influx-1": ["/home/backup", "/etc/cron.d", "/etc/influxdb", "/var/backups"],
  backup: ["/home/student", "/home/backup", "/etc/cron.d", "/var/backups"],
};

/** What each host's databases hold, as text: names, users with their grants, and per-table/measurement sums. */
const DATA: Record<string, string> = {
  "mysql-1": `echo "## mysql databases"; mysql -N -B -e 'SHOW DATABASES'
echo "## mysql users and grants"
mysql -N -B -e "SELECT CONCAT(QUOTE(user), '@', QUOTE(host)) FROM mysql.user ORDER BY 1" | while read -r u; do
  echo "$u"; mysql -N -B -e "SHOW GRANTS FOR $u" | sort
done
echo "## agama tables"
for t in $(mysql -N -B -e 'SHOW TABLES' agama); do
  echo "$t $(mysql -N -B -e "SELECT COUNT(*) FROM \\\`$t\\\`" agama) $(mysql -N -B -e "CHECKSUM TABLE \\\`$t\\\`" agama)"
done`,
  // _internal is InfluxDB's own monitoring database: influxd creates it on its first statistics tick, about
  // ten seconds after it starts, whoever is connected.
  "influx-1": `echo "## influx databases"; influx -execute 'SHOW DATABASES' -format csv | grep -vx 'databases,_internal'
echo "## influx users"; influx -execute 'SHOW USERS' -format csv
echo "## telegraf points"; influx -database telegraf -format csv -execute 'SELECT COUNT(*) FROM /.*/'`,
  backup: "",
};

function snapshotScript(host: string): string {
  const trees = TREES[host]!.join(" ");
  return `for d in ${trees}; do
  if [ -e "$d" ]; then find "$d" -xdev -printf '%p|%y|%m|%u|%g|%s|%T@|%l\\n'; else echo "absent|$d"; fi
done | sort
echo "## sha256"
for d in ${trees}; do [ -e "$d" ] && find "$d" -xdev -type f -print0; done | sort -z | xargs -0 -r sha256sum
echo "## /tmp"
ls -A /tmp | sort
${DATA[host]!}`;
}

const sh = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

async function rootOn(lab: OwnLab, host: string, script: string): Promise<string> {
  const r = await lab.ssh(host, `sudo sh -ec ${sh(script)}`);
  if (r.code !== 0) throw new Error(`${host}: exit ${r.code}\n${script}\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

async function snapshot(lab: OwnLab): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const h of HOSTS) out[h] = await rootOn(lab, h, snapshotScript(h));
  return out;
}

async function grade(lab: OwnLab, drills: boolean): Promise<StudentReport> {
  const pool = new ConnectionPool();
  try {
    return await gradeStudent({
      student: "readonly",
      inventory: loadInventory([lab.inventory]),
      definitions: loadDefinitions([builtinDefinition("10")]),
      pool,
      drills,
    });
  } finally {
    await pool.closeAll();
  }
}

/** What a grader runs: `infra check --lab 10 --no-drills`, its JSON report and exit code. */
function gradeWithCli(lab: OwnLab): { report: StudentReport; code: number } {
  const r = spawnSync(
    process.execPath,
    ["bin/infra.js", "check", "-i", lab.inventory, "--lab", "10", "--no-drills", "--format", "json"],
    { encoding: "utf8", timeout: 300_000 },
  );
  if (r.status === null || r.status > 1) throw new Error(`infra check failed (${r.status}): ${r.stderr}`);
  return { report: JSON.parse(r.stdout) as StudentReport, code: r.status };
}

const outcomeOf = (r: StudentReport, id: string, host: string) =>
  r.tasks.flatMap((t) => t.checks).find((c) => c.id === id && c.host === host);

/** Scratch databases (…_drill) and drill directories on every host, as "host: thing" lines. */
async function scratchLeft(lab: OwnLab): Promise<string[]> {
  const left: string[] = [];
  for (const h of HOSTS) {
    const dirs = await rootOn(lab, h, "ls -d /tmp/infra-check-drill.* 2>/dev/null || true");
    left.push(
      ...dirs
        .split("\n")
        .filter(Boolean)
        .map((d) => `${h}: ${d}`),
    );
  }
  const my = await rootOn(lab, "mysql-1", "mysql -N -B -e 'SHOW DATABASES'");
  left.push(
    ...my
      .split("\n")
      .filter((d) => /_drill$/.test(d))
      .map((d) => `mysql-1: MySQL database ${d}`),
  );
  const influx = await rootOn(lab, "influx-1", "influx -execute 'SHOW DATABASES' -format csv");
  left.push(
    ...influx
      .split("\n")
      .filter((d) => /_drill$/.test(d))
      .map((d) => `influx-1: InfluxDB database ${d}`),
  );
  return left;
}

describe("infra check only reads the hosts it grades", () => {
  let lab: OwnLab;

  beforeAll(async () => {
    lab = await ownLab(LAB, 3);
    // A lab kept from an earlier run (INFRA_KEEP_LABS=1) starts from empty targets and markers, so the reference
    // playbook makes a fresh full backup of each service; nothing of an earlier drill may linger either.
    await freshBackupChains((host, command) => rootOn(lab, host, command));
    for (const h of HOSTS) await rootOn(lab, h, "rm -rf /tmp/infra-check-drill.*");
    const applied = await applyReference(lab.inventory);
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    await rootOn(lab, "mysql-1", "mysql -e 'DROP DATABASE IF EXISTS agama_drill'");
    await rootOn(lab, "influx-1", `influx -execute 'DROP DATABASE "telegraf_drill"'`);
  }, 900_000);

  afterAll(async () => {
    await dropLab(LAB);
  }, 300_000);

  it("grading lab 10 without drills leaves every graded file, database, user and grant as it was", async () => {
    const before = await snapshot(lab);
    // The snapshot sees what the lab is about, so an unchanged one means something.
    expect(before["mysql-1"]).toMatch(/^\/etc\/cron\.d\/mysql-backup\|f\|644\|root\|root\|/m);
    expect(before["mysql-1"]).toMatch(/^\/home\/backup\/mysql\/agama\.sql\|f\|/m);
    expect(before["mysql-1"]).toMatch(/^'backup'@'localhost'\nGRANT /m);
    expect(before["mysql-1"]).toMatch(/GRANT SELECT, LOCK TABLES ON `agama`\.\* TO `backup`@`localhost`/);
    expect(before["influx-1"]).toMatch(/^\/home\/backup\/influxdb\/.*\.manifest\|f\|/m);
    expect(before["influx-1"]).toMatch(/^databases,telegraf$/m);
    expect(before.backup).toMatch(/^\/home\/student\/mysql\/duplicity-full\..*\.vol1\.difftar\.gz\|f\|/m);
    expect(before.backup).toMatch(/^\/home\/student\/influxdb\/duplicity-full\..*\.manifest\|f\|/m);

    const { report } = gradeWithCli(lab);
    const after = await snapshot(lab);
    for (const h of HOSTS) expect(after[h], `${h} changed while it was graded`).toBe(before[h]);

    // It did grade: the checks that run commands as backup (dump, duplicity, influxd backup) ran and passed,
    // and the drills were reported as not run rather than silently dropped.
    expect(report.error).toBeUndefined();
    for (const [id, host] of [
      ["mysql-dump", "mysql-1"],
      ["mysql-chain", "mysql-1"],
      ["mysql-cron", "mysql-1"],
      ["mysql-grants", "mysql-1"],
      ["influxdb-dump", "influx-1"],
      ["influxdb-chain", "influx-1"],
    ] as const) {
      const o = outcomeOf(report, id, host);
      expect(o?.status, `${id}@${host}: ${JSON.stringify(o)}`).toBe("pass");
    }
    for (const [id, host] of [
      ["mysql-restore-drill", "mysql-1"],
      ["influxdb-restore-drill", "influx-1"],
    ] as const) {
      const o = outcomeOf(report, id, host);
      expect(o?.status, id).toBe("skip");
      expect(o?.note, id).toMatch(/drills are off/);
    }
  }, 600_000);

  it("restore drills that fail half-way are reported failed and leave no scratch database or directory", async () => {
    // The newest MySQL backup: a dump cut off inside an INSERT (as when the disk filled up), uploaded by the cron
    // job's own incremental command. It loads table by table, pauses, then fails on the cut-off statement.
    const cron = parseCronFile(await rootOn(lab, "mysql-1", "cat /etc/cron.d/mysql-backup"));
    const upload = cron.jobs.find((j) => /duplicity\b.*\bincremental\b/.test(j.command));
    expect(upload, "the reference cron file has an incremental upload").toBeDefined();
    await rootOn(
      lab,
      "mysql-1",
      `sudo -u backup sh -c 'mysqldump agama > /home/backup/mysql/agama.sql && printf "DO SLEEP(3);\\nINSERT INTO item VALUES (1, \\"cut off" >> /home/backup/mysql/agama.sql'`,
    );
    const uploaded = await runCronJob(LAB, "mysql-1", upload!, cron.env);
    expect(uploaded.code, uploaded.stdout + uploaded.stderr).toBe(0);
    // InfluxDB: the full backup's first volume damaged on the backup server (its manifest still lists it).
    await rootOn(
      lab,
      "backup",
      `v=$(ls /home/student/influxdb/duplicity-full.*.vol1.difftar.gz | head -n 1)
printf 'damaged by read-only.test.ts' | dd of="$v" bs=1 seek=64 conv=notrunc status=none`,
    );
    const tmpBefore = await Promise.all(HOSTS.map((h) => rootOn(lab, h, "ls -A /tmp | sort")));

    // Watch the hosts while grading: the scratch database and directories must really have existed.
    const watch = (host: string, extra = "") =>
      lab.ssh(
        host,
        `sudo sh -c ${sh(`until [ -e /run/readonly-test-stop ]; do ls -d /tmp/infra-check-drill.* 2>/dev/null; ${extra} sleep 0.2; done`)}`,
      );
    const watchers = [
      watch("mysql-1", `mysql -N -B -e "SHOW DATABASES LIKE 'agama\\_drill'";`),
      watch("influx-1"),
    ];
    let report: StudentReport;
    try {
      report = await grade(lab, true);
    } finally {
      await Promise.all(["mysql-1", "influx-1"].map((h) => rootOn(lab, h, "touch /run/readonly-test-stop")));
    }
    const [seenMysql, seenInflux] = (await Promise.all(watchers)).map((r) => r.stdout);
    await Promise.all(["mysql-1", "influx-1"].map((h) => rootOn(lab, h, "rm -f /run/readonly-test-stop")));
    expect(seenMysql, "the MySQL drill made its scratch database").toMatch(/^agama_drill$/m);
    expect(seenMysql, "the MySQL drill made its scratch directory").toMatch(/^\/tmp\/infra-check-drill\./m);
    expect(seenInflux, "the InfluxDB drill made its scratch directory").toMatch(
      /^\/tmp\/infra-check-drill\./m,
    );

    // Reported failed, at the step that failed, with what went wrong.
    const mysql = outcomeOf(report, "mysql-restore-drill", "mysql-1");
    expect(mysql?.status, JSON.stringify(mysql)).toBe("fail");
    expect(mysql?.results.map((r) => `${r.property}:${r.status}`)).toEqual(["restore:pass", "load:fail"]);
    expect(mysql?.results[1]?.message).toMatch(
      /the restored dump does not load into MySQL \(ERROR 1064 .* at line \d+/,
    );
    const influx = outcomeOf(report, "influxdb-restore-drill", "influx-1");
    expect(influx?.status, JSON.stringify(influx)).toBe("fail");
    expect(influx?.results.map((r) => `${r.property}:${r.status}`)).toEqual(["restore:fail"]);
    expect(influx?.results[0]?.message).toMatch(
      /duplicity could not restore rsync:\/\/student@backup\/influxdb \(.+\)/,
    );

    // Nothing left behind: no scratch database, no drill directory, nothing new in /tmp on any host.
    expect(await scratchLeft(lab)).toEqual([]);
    const tmpAfter = await Promise.all(HOSTS.map((h) => rootOn(lab, h, "ls -A /tmp | sort")));
    expect(tmpAfter).toEqual(tmpBefore);
  }, 600_000);
});
