/**
 * `infra check --lab 10` on hosts set up by the project's own reference roles (lab "ref"), with a student-shaped
 * repository made of those roles and the documents `infra docs` renders: every lab-10 check passes.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { labUp } from "../../../src/lab/lab.js";
import { labHome, paths } from "../../../src/lab/files.js";
import { run } from "../../../src/util/exec.js";
import { applyReference } from "../roles/reference-helpers.js";

const LAB = "ref";
const CLI = resolve("bin/infra.js");
const inventory = () => paths(labHome(LAB)).inventory;

interface Report {
  score: number;
  maxScore: number;
  tasks: { checks: { id: string; status: string }[] }[];
}

describe("infra check on the reference roles", () => {
  let repo: string;

  beforeAll(async () => {
    await labUp({ lab: LAB });
    const applied = await applyReference(inventory());
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    // What a student pushes: infra.yaml at the top, the roles, group_vars and the two documents.
    repo = mkdtempSync(join(tmpdir(), "infra-student-"));
    for (const d of ["roles", "group_vars"]) cpSync(resolve(d), join(repo, d), { recursive: true });
    cpSync(resolve("playbooks/infra.yaml"), join(repo, "infra.yaml"));
    for (const [doc, file] of [
      ["restore", "backup_restore.md"],
      ["sla", "backup_sla.md"],
    ]) {
      const r = await run(process.execPath, [
        CLI,
        "docs",
        doc!,
        "-i",
        inventory(),
        "--out",
        join(repo, file!),
      ]);
      expect(r.code, r.stderr).toBe(0);
    }
  }, 900_000);

  it("passes every lab-10 check, restore drills included", async () => {
    const r = await run(process.execPath, [
      CLI,
      "check",
      "-i",
      inventory(),
      "--repo",
      repo,
      "--lab",
      "10",
      "--format",
      "json",
    ]);
    const report = JSON.parse(r.stdout) as Report;
    const failed = report.tasks.flatMap((t) => t.checks).filter((c) => c.status !== "pass");
    expect(failed, r.stdout).toEqual([]);
    expect(report.score).toBe(report.maxScore);
    expect(r.code).toBe(0);
    expect(report.tasks.flatMap((t) => t.checks).map((c) => c.id)).toEqual(
      expect.arrayContaining([
        "mysql-grants",
        "my-cnf",
        "mysql-cron",
        "mysql-chain",
        "mysql-restore-drill",
        "influxdb-restore-drill",
      ]),
    );
  }, 600_000);

  it("finds which host is which by what it runs when the groups have student names (app_stack, storage)", async () => {
    // The same hosts under a student's names and groups: neither says which one holds MariaDB or InfluxDB.
    const lab = readFileSync(inventory(), "utf8");
    const line = (name: string, as: string) =>
      lab
        .split("\n")
        .find((l) => l.startsWith(`${name} `))!
        .replace(`${name} `, `${as} `);
    const renamed = join(repo, "hosts-renamed");
    writeFileSync(
      renamed,
      [
        "[app_stack]",
        line("influx-1", "vm-a"),
        line("mysql-1", "vm-b"),
        "[storage]",
        line("backup", "backup"),
        lab.slice(lab.indexOf("[all:vars]")),
      ].join("\n"),
    );
    const grade = (...format: string[]) =>
      run(process.execPath, [
        CLI,
        "check",
        "-i",
        renamed,
        "--repo",
        repo,
        "--lab",
        "10",
        "--no-drills",
        ...format,
      ]);
    const r = await grade("--format", "json");
    const report = JSON.parse(r.stdout) as Report & {
      roles: { role: string; hosts: string[]; reason: string }[];
    };
    const role = (name: string) => report.roles.find((x) => x.role === name)!;
    expect(role("mysql"), JSON.stringify(report.roles)).toEqual({
      role: "mysql",
      hosts: ["vm-b"],
      reason: "runs MariaDB/MySQL (no group matched)",
    });
    expect(role("influxdb")).toEqual({
      role: "influxdb",
      hosts: ["vm-a"],
      reason: "runs InfluxDB (no group matched)",
    });
    // Everything passes; only the restore drills wait (--no-drills: this grading only reads the hosts).
    const checks = report.tasks.flatMap((t) => t.checks) as { id: string; status: string; type?: string }[];
    const failed = checks.filter(
      (c) => c.status !== "pass" && !(c.type === "restore_drill" && c.status === "skip"),
    );
    expect(failed, r.stdout).toEqual([]);
    expect(r.code).toBe(0);
    // The human report says it too.
    const table = await grade();
    expect(table.stdout).toMatch(/mysql.*vm-b.*runs MariaDB/);
  }, 600_000);
});
