/**
 * `infra check --lab 10` on hosts set up by the project's own reference roles (lab "ref"), with a student-shaped
 * repository made of those roles and the documents `infra docs` renders: every lab-10 check passes.
 */
import { cpSync, mkdtempSync } from "node:fs";
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
});
