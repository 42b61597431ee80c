/**
 * The rendered backup_restore.md on lab hosts: `doc_drill` follows it for both services, twice, and the data is
 * verified each round; a student-style document with a wrong duplicity URL fails at that command with
 * duplicity's error; a document that never loads the dump fails on the data. The lab is this folder's own.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  gradeStudent,
  loadDefinitions,
  type CheckOutcome,
  type StudentReport,
} from "../../../src/checks/index.js";
import { loadInventory } from "../../../src/inventory/index.js";
import { labUp } from "../../../src/lab/lab.js";
import { labHome, paths } from "../../../src/lab/files.js";
import { matcher } from "../../../src/checks/lib/probe-output.js";
import { documentSection } from "../../../src/docs/doc-commands.js";
import { serviceById } from "../../../src/docs/services.js";
import { ConnectionPool, shellQuote } from "../../../src/transport/index.js";
import { run } from "../../../src/util/exec.js";
import { sshRunIn } from "../lab-helpers.js";
import {
  applyReference,
  freshBackupChains,
  influxFingerprint,
  mysqlFingerprint,
} from "../roles/reference-helpers.js";

const LAB = "docs";
const inventory = () => paths(labHome(LAB)).inventory;
const sshRun = (host: string, cmd: string) => sshRunIn(LAB, host, cmd);
const DEFINITION = resolve("test/integration/docs/doc-drill.yaml");

/** `infra check` with the drill definitions (only the checks named in `only`, when given). */
async function drill(repo: string, only?: string[]): Promise<StudentReport> {
  const pool = new ConnectionPool();
  const definitions = loadDefinitions([DEFINITION]).map((d) => ({
    ...d,
    tasks: d.tasks.map((t) => ({ ...t, checks: t.checks.filter((c) => !only || only.includes(c.id)) })),
  }));
  try {
    return await gradeStudent({
      student: "docs",
      inventory: loadInventory([inventory()]),
      repo,
      definitions,
      pool,
    });
  } finally {
    await pool.closeAll();
  }
}

function outcome(report: StudentReport, id: string): CheckOutcome {
  const o = report.tasks.flatMap((t) => t.checks).find((c) => c.id === id);
  if (!o) throw new Error(`no outcome ${id} in ${JSON.stringify(report, null, 1)}`);
  return o;
}

const explain = (o: CheckOutcome) => JSON.stringify(o, null, 1);

/** A person following the document: each command of the service's section over SSH, as its user. */
async function followByHand(repo: string, service: string, host: string): Promise<void> {
  const text = readFileSync(join(repo, "backup_restore.md"), "utf8");
  const section = documentSection(text, matcher(serviceById(service)!.heading))!;
  for (const step of section.steps) {
    const r = await sshRun(host, `sudo -H -u ${step.user} bash -c ${shellQuote(step.command)}`);
    expect(r.code, `${step.command}\n${r.stdout}${r.stderr}`).toBe(0);
  }
}

function repoWith(doc: string): string {
  const dir = mkdtempSync(join(tmpdir(), "infra-docs-drill-"));
  writeFileSync(join(dir, "backup_restore.md"), doc);
  return dir;
}

describe("doc_drill on the rendered backup_restore.md", () => {
  let rendered: string;

  beforeAll(async () => {
    await labUp({ lab: LAB });
    // Fresh chains, so the first apply makes the first full backups the drill downloads.
    await freshBackupChains((host, command) => sshRun(host, `sudo sh -c ${shellQuote(command)}`));
    // Rows and points of our own, so there is always something the damage below removes and a restore brings back.
    await sshRun(
      "mysql-1",
      `sudo mysql agama -e "INSERT INTO item (name, color) VALUES ('drill', 'red'), ('drill', 'blue')"`,
    );
    const points = [1, 2, 3]
      .map((i) => `drill_marker,host=x value=${i} ${1700000000 + i}000000000`)
      .join("\n");
    await sshRun(
      "influx-1",
      `curl -sf -XPOST 'http://127.0.0.1:8086/write?db=telegraf' --data-binary '${points}'`,
    );
    const applied = await applyReference(inventory());
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    rendered = mkdtempSync(join(tmpdir(), "infra-docs-repo-"));
    const r = await run(process.execPath, [
      "bin/infra.js",
      "docs",
      "-i",
      inventory(),
      "--out",
      join(rendered, "backup_restore.md"),
    ]);
    expect(r.code, r.stderr).toBe(0);
  }, 900_000);

  it("restores both services from damaged data, twice each, verified each round, and puts the data back", async () => {
    const originalMysql = await mysqlFingerprint(LAB, "agama");
    const originalInflux = await influxFingerprint(LAB, "telegraf");
    await sshRun("mysql-1", `sudo mysql agama -e "DELETE FROM item WHERE name = 'drill'"`);
    await sshRun("influx-1", `influx -database telegraf -execute 'DROP MEASUREMENT drill_marker'`);
    const damagedMysql = await mysqlFingerprint(LAB, "agama");
    const damagedInflux = await influxFingerprint(LAB, "telegraf");
    expect(damagedMysql).not.toBe(originalMysql);
    expect(damagedInflux).not.toBe(originalInflux);

    const report = await drill(rendered);
    for (const id of ["mysql-doc-drill", "influxdb-doc-drill"]) {
      const o = outcome(report, id);
      expect(o.status, explain(o)).toBe("pass");
      const rounds = o.results.filter((r) => r.property === "commands");
      expect(rounds.map((r) => r.expected.slice(0, 8))).toEqual(["round 1:", "round 2:"]);
      const data = o.results.filter((r) => r.property === "data");
      expect(data, explain(o)).toHaveLength(2);
      expect(o.results.find((r) => r.property === "put_back")?.status).toBe("pass");
    }
    // The drill leaves the host as it found it, damaged data included.
    expect(await mysqlFingerprint(LAB, "agama")).toBe(damagedMysql);
    expect(await influxFingerprint(LAB, "telegraf")).toBe(damagedInflux);
    // And a person who follows the same document gets the backed-up data back.
    await followByHand(rendered, "mysql", "mysql-1");
    await followByHand(rendered, "influxdb", "influx-1");
    expect(await mysqlFingerprint(LAB, "agama")).toBe(originalMysql);
    expect(await influxFingerprint(LAB, "telegraf")).toBe(originalInflux);
  }, 900_000);

  it("a student-style document with a wrong duplicity URL fails at that command, with duplicity's error", async () => {
    const doc = [
      "# Backup restore",
      "",
      "Install and configure infrastructure with Ansible:",
      "",
      "    ansible-playbook infra.yaml",
      "",
      "## MySQL",
      "",
      "Restore MySQL data from the backup, on the MySQL host as user `backup`:",
      "",
      "    rm -rf /home/backup/restore/mysql",
      "    duplicity --no-encryption restore rsync://student@backup/mysqlx /home/backup/restore/mysql",
      "",
      "Then as root:",
      "",
      "    mysql agama < /home/backup/restore/mysql/agama.sql",
      "",
      "## InfluxDB",
      "",
      "Not written yet.",
      "",
    ].join("\n");
    const before = await mysqlFingerprint(LAB, "agama");
    const o = outcome(await drill(repoWith(doc), ["mysql-doc-drill"]), "mysql-doc-drill");
    expect(o.status).toBe("fail");
    const failed = o.results.find((r) => r.status === "fail")!;
    expect(failed.property).toBe("commands");
    expect(failed.found).toBe(
      "`duplicity --no-encryption restore rsync://student@backup/mysqlx /home/backup/restore/mysql` exited 50",
    );
    expect(failed.message).toContain("backup_restore.md:12, as backup");
    // After the command comes what duplicity itself said (the quoted command alone would match "rsync").
    const said = failed.message.split(" exited 50: ")[1] ?? "";
    expect(said, failed.message).toMatch(/mysqlx|No such file|chain|rsync error/i);
    // Nothing after the failing command ran, and the data is as it was.
    expect(o.results.filter((r) => r.property === "commands")).toHaveLength(1);
    expect(await mysqlFingerprint(LAB, "agama")).toBe(before);
    const influx = outcome(await drill(repoWith(doc), ["influxdb-doc-drill"]), "influxdb-doc-drill");
    expect(influx.results[0]!.message).toMatch(/no shell commands/);
  }, 600_000);

  it("a document that downloads the backup but never loads it fails on the data", async () => {
    await sshRun("mysql-1", `sudo mysql agama -e "DELETE FROM item WHERE name = 'drill'"`);
    const doc = [
      "## Restore MySQL",
      "",
      "```sh",
      "sudo -u backup rm -rf /home/backup/restore/mysql",
      "sudo -u backup duplicity --no-encryption restore rsync://student@backup/mysql /home/backup/restore/mysql",
      "ls /home/backup/restore/mysql",
      "```",
      "",
    ].join("\n");
    const o = outcome(await drill(repoWith(doc), ["mysql-doc-drill"]), "mysql-doc-drill");
    expect(o.status).toBe("fail");
    expect(o.results.find((r) => r.property === "commands")?.status).toBe("pass");
    const data = o.results.find((r) => r.property === "data")!;
    expect(data.status, explain(o)).toBe("fail");
    expect(data.message).toMatch(/table item differs/);
    // The rendered document, followed by the drill, passes on the same damaged data.
    const r = outcome(await drill(rendered, ["mysql-doc-drill"]), "mysql-doc-drill");
    expect(r.status, explain(r)).toBe("pass");
    await followByHand(rendered, "mysql", "mysql-1");
  }, 600_000);
});
