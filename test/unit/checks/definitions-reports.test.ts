import { describe, expect, test } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { builtinDefinition, loadDefinition, loadDefinitions } from "../../../src/checks/definitions.js";
import { FORMATS, formatSummaryCsv } from "../../../src/checks/report/index.js";
import { exitCodeFor } from "../../../src/checks/exit-code.js";
import { csvCells, parseRoster, rosterInventory } from "../../../src/checks/roster.js";
import { assignRoles } from "../../../src/checks/targets.js";
import { Inventory } from "../../../src/inventory/index.js";
import { InfraError } from "../../../src/util/errors.js";
import type { StudentReport } from "../../../src/checks/types.js";
import { main } from "../../../src/cli/main.js";

const dir = mkdtempSync(join(tmpdir(), "infra-check-defs-"));
function defFile(text: string): string {
  const f = join(dir, `d${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(f, text);
  return f;
}
function errorOf(fn: () => unknown): InfraError {
  try {
    fn();
  } catch (e) {
    return e as InfraError;
  }
  throw new Error("no error");
}

const HEAD = `lab: x\nroles:\n  db: { groups: [db] }\ntasks:\n  - id: t\n    title: T\n    points: 1\n    checks:\n`;

describe("definitions", () => {
  test("the built-in labs load", () => {
    const defs = loadDefinitions([builtinDefinition("9"), builtinDefinition("10")]);
    expect(defs.map((d) => d.lab)).toEqual(["09", "10"]);
    expect(defs[1]!.tasks.flatMap((t) => t.checks).map((c) => c.type)).toContain("restore_drill");
  });

  test("a bad value is reported at its file:line:column with exit code 2", () => {
    const f = defFile(`${HEAD}      - hosts: db\n        file: { path: /x, mode: "0abc" }\n`);
    const e = errorOf(() => loadDefinition(f));
    expect(e.message).toMatch(/tasks\.0\.checks\.0\.file\.mode must match pattern/);
    expect(e.location).toMatchObject({ file: f, line: 10 });
    expect(e.exitCode).toBe(2);
  });

  test("unknown keys, no type, two types, unknown roles", () => {
    expect(
      errorOf(() =>
        loadDefinition(defFile(`${HEAD}      - hosts: db\n        file: { path: /x, moed: "0600" }\n`)),
      ).message,
    ).toMatch(/unknown key "moed"/);
    expect(errorOf(() => loadDefinition(defFile(`${HEAD}      - hosts: db\n`))).message).toMatch(
      /exactly one type, found none/,
    );
    expect(
      errorOf(() =>
        loadDefinition(
          defFile(`${HEAD}      - hosts: db\n        user: { name: a }\n        group: { name: a }\n`),
        ),
      ).message,
    ).toMatch(/found user, group/);
    const e = errorOf(() =>
      loadDefinition(defFile(`${HEAD}      - hosts: web\n        user: { name: a }\n`)),
    );
    expect(e.message).toMatch(/unknown role "web"/);
    expect(e.location?.line).toBe(9);
  });

  test("needs must name a declared check; ids are unique", () => {
    const f = defFile(`${HEAD}      - { id: a, hosts: db, user: { name: a }, needs: ["b:chain"] }\n`);
    expect(errorOf(() => loadDefinitions([f])).message).toMatch(/needs "b"/);
    const g = defFile(
      `${HEAD}      - { id: a, hosts: db, user: { name: a } }\n      - { id: a, hosts: db, user: { name: b } }\n`,
    );
    expect(errorOf(() => loadDefinitions([g])).message).toMatch(/used twice/);
  });

  test("the CLI exits 2 on bad definitions", async () => {
    const f = defFile(`${HEAD}      - hosts: db\n        file: {}\n`);
    const inv = defFile("");
    const old = process.stderr.write;
    process.stderr.write = (() => true) as typeof process.stderr.write;
    try {
      expect(await main(["check", "--checks", f, "-i", inv])).toBe(2);
    } finally {
      process.stderr.write = old;
    }
  });
});

describe("roles", () => {
  test("discovery wins over group names, with the reason", () => {
    const inv = new Inventory();
    inv.addGroup("app_stack");
    inv.addGroup("db_servers");
    inv.addHost("a", "app_stack");
    inv.addHost("b", "db_servers");
    inv.addHost("backup", "ungrouped");
    inv.reconcile();
    const facts = new Map([
      ["a", { mariadb: true, influxdb: true, urls: [] }],
      ["b", { mariadb: false, influxdb: false, urls: [] }],
    ]);
    const roles = assignRoles(
      {
        mysql: { groups: ["db_servers"], discover: "mariadb" },
        influx: { groups: ["influx*"], discover: "influxdb" },
        bk: { discover: "backup_server" },
        all: { union: ["mysql", "influx"] },
      },
      inv,
      facts,
      "backup.example.org",
    );
    expect(roles).toEqual([
      { role: "mysql", hosts: ["a"], reason: "runs MariaDB/MySQL (group db_servers holds b instead)" },
      { role: "influx", hosts: ["a"], reason: "runs InfluxDB (no group matched)" },
      {
        role: "bk",
        hosts: ["backup"],
        reason: "is the backup server of the duplicity URLs (no group matched)",
      },
      { role: "all", hosts: ["a"], reason: "the hosts of mysql and influx" },
    ]);
  });
});

const REPORT: StudentReport = {
  student: "elvis",
  labs: ["10"],
  roles: [{ role: "mysql", hosts: ["mysql-1"], reason: "runs MariaDB/MySQL" }],
  tasks: [
    {
      id: "t2",
      title: "Task 2",
      points: 1,
      maxPoints: 2,
      checks: [
        {
          id: "a",
          task: "t2",
          name: "file /home/backup/.my.cnf",
          type: "file",
          host: "mysql-1",
          status: "fail",
          points: 0,
          maxPoints: 1,
          results: [
            {
              property: "mode",
              status: "fail",
              expected: "0600",
              found: "0644",
              message: ".my.cnf is mode 0644: it must be readable by backup alone — 0600 or 0400",
            },
          ],
        },
        {
          id: "b",
          task: "t2",
          name: "user backup",
          type: "user",
          host: "mysql-1",
          status: "pass",
          points: 1,
          maxPoints: 1,
          results: [],
        },
      ],
    },
  ],
  score: 1,
  maxScore: 2,
  unreachable: [],
  durationMs: 1,
};

describe("reports", () => {
  test("table: ✓/✗, points and one line per failure", () => {
    const t = FORMATS.table!.format(REPORT);
    expect(t).toContain(
      "  ✗ file /home/backup/.my.cnf [mysql-1]  0/1\n      .my.cnf is mode 0644: it must be readable by backup alone — 0600 or 0400",
    );
    expect(t).toContain("  ✓ user backup [mysql-1]  1/1");
    expect(t).toContain("mysql: mysql-1 — runs MariaDB/MySQL");
  });
  test("gradescope results.json fields", () => {
    const g = JSON.parse(FORMATS.gradescope!.format(REPORT));
    expect(g).toMatchObject({ score: 1, max_score: 2 });
    expect(g.tests[0]).toEqual({
      name: "Task 2: file /home/backup/.my.cnf [mysql-1]",
      score: 0,
      max_score: 1,
      status: "failed",
      output: ".my.cnf is mode 0644: it must be readable by backup alone — 0600 or 0400",
      visibility: "visible",
    });
  });
  test("junit, tap, json, summary csv", () => {
    expect(FORMATS.junit!.format(REPORT)).toMatch(
      /<testsuite name="Task 2" tests="2" failures="1" skipped="0">[\s\S]*<failure message=".my.cnf is mode 0644/,
    );
    expect(FORMATS.tap!.format(REPORT)).toContain(
      "TAP version 13\n1..2\nnot ok 1 - Task 2: file /home/backup/.my.cnf [mysql-1]\n  ---\n  message: |\n    .my.cnf is mode 0644",
    );
    expect(JSON.parse(FORMATS.json!.format(REPORT)).score).toBe(1);
    expect(formatSummaryCsv([REPORT, { ...REPORT, student: "x, y", error: "unreachable: h" }])).toBe(
      'student,score,max_score,not_passed,status\nelvis,1,2,1,graded\n"x, y",1,2,1,could not run: unreachable: h\n',
    );
  });
  test("exit codes", () => {
    expect(exitCodeFor([REPORT])).toBe(1);
    expect(exitCodeFor([{ ...REPORT, tasks: [] }])).toBe(0);
    expect(exitCodeFor([{ ...REPORT, error: "x" }])).toBe(2);
    // Skipped checks (drills off, no --repo) do not fail the run; a failed one does.
    const only = (status: "pass" | "fail" | "skip") => ({
      ...REPORT,
      tasks: REPORT.tasks.map((t) => ({ ...t, checks: t.checks.map((c) => ({ ...c, status })) })),
    });
    expect(exitCodeFor([only("skip")])).toBe(0);
    expect(exitCodeFor([only("pass")])).toBe(0);
    expect(exitCodeFor([only("pass"), only("fail")])).toBe(1);
  });
});

describe("roster", () => {
  test("both line forms, header and comments", () => {
    const r = parseRoster(
      'name,inventory,repo\n# x\nann,inv/ann,repos/ann\n"bob, jr",10.0.0.5,2222,ubuntu,keys/bob,repos/bob\n',
      "/c/roster.csv",
    );
    expect(r.map((e) => e.name)).toEqual(["ann", "bob, jr"]);
    expect(r[0]).toMatchObject({ inventory: "/c/inv/ann", repo: "/c/repos/ann" });
    expect(r[1]!.host).toEqual({ address: "10.0.0.5", port: 2222, user: "ubuntu", key: "/c/keys/bob" });
    const inv = rosterInventory(r[1]!);
    expect(inv.getHost("10.0.0.5")!.vars).toMatchObject({ ansible_port: 2222, ansible_user: "ubuntu" });
    expect(() => parseRoster("a,b,c,d\n", "r.csv")).toThrow(/expected 3 fields/);
    expect(csvCells('a,"b ""q""",c')).toEqual(["a", 'b "q"', "c"]);
  });
});
