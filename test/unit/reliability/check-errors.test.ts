/**
 * What `infra check` says when something is wrong. Mistakes in its definitions that used to get through loading
 * and only showed up while grading (a regular expression that does not compile crashed the grading of every
 * student; a time zone nobody knows; needs that wait on each other skipped their checks forever), and errors that
 * had no position. The corpus (test/bad-input/checks/) shows each through the CLI; these pin what the corpus
 * cannot: several files, templated values, and the exit code of a YAML error. And a restore drill's reason for a
 * dump that does not load.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CANNOT_RUN, loadDefinition, loadDefinitions } from "../../../src/checks/definitions.js";
import { evaluateCron } from "../../../src/checks/cron.js";
import { mysqlError } from "../../../src/checks/restore-drill.js";
import { InfraError } from "../../../src/util/errors.js";

const dir = mkdtempSync(join(tmpdir(), "infra-check-defs-"));
let n = 0;
function defFile(text: string): string {
  const f = join(dir, `d${++n}.yaml`);
  writeFileSync(f, text);
  return f;
}

function errorOf(fn: () => unknown): InfraError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InfraError);
    return e as InfraError;
  }
  throw new Error("loaded without an error");
}

const head = (task: string) =>
  `lab: x\nroles:\n  db: { groups: [db] }\ntasks:\n  - id: ${task}\n    title: T\n    points: 1\n    checks:\n`;
const cron = (fields: string) =>
  `${head("t")}      - id: c\n        hosts: db\n        cron: { service: MySQL, ${fields} }\n`;

describe("check definitions: mistakes found when they load", () => {
  it("a regular expression that does not compile: at load, with its place, instead of a crash while grading", () => {
    const spec = { service: "MySQL", dump: "mysqldump (agama", upload: "duplicity" };
    // What grading did with it before: an exception out of the evaluation of the host's facts.
    expect(() => evaluateCron(spec, [], new Set(), new Map(), { vars: {}, now: new Date() })).toThrow(
      SyntaxError,
    );
    const f = defFile(cron(`dump: "mysqldump (agama", upload: duplicity`));
    const e = errorOf(() => loadDefinition(f));
    expect(e.message).toBe(
      'invalid check definition: tasks.0.checks.0.cron.dump is not a valid regular expression: Unterminated group ("mysqldump (agama")',
    );
    expect(e.location).toEqual({ file: f, line: 11, column: 33 });
    expect(e.excerpt).toContain('dump: "mysqldump (agama"');
    expect(e.exitCode).toBe(CANNOT_RUN);
  });

  it("a pattern with {{ a value }} is judged when grading fills it in, not at load", () => {
    const f = defFile(cron(`dump: "mysqldump {{ db }}(", upload: duplicity`));
    expect(loadDefinition(f).tasks[0]!.checks[0]!.spec.dump).toBe("mysqldump {{ db }}(");
    // A literal (not /regex/) in file contains is text, whatever characters it has.
    const g = defFile(`${head("t")}      - { hosts: db, file: { path: /x, contains: ["[mysqldump"] } }\n`);
    expect(() => loadDefinition(g)).not.toThrow();
    const h = defFile(`${head("t")}      - { hosts: db, file: { path: /x, contains: ["/[mysqldump/"] } }\n`);
    expect(errorOf(() => loadDefinition(h)).message).toMatch(
      /file\.contains\.0 is not a valid regular expression/,
    );
  });

  it("an unknown time zone, in a cron check or in vars", () => {
    const e = errorOf(() => loadDefinition(defFile(cron(`dump: d, upload: u, local_zone: Mars/Olympus`))));
    expect(e.message).toMatch(/cron\.local_zone is not a time zone this machine knows: "Mars\/Olympus"/);
    const f = defFile(
      `lab: x\nvars:\n  local_zone: Europe/Talinn\n${head("t").slice("lab: x\n".length)}      - { hosts: db, user: { name: a } }\n`,
    );
    const v = errorOf(() => loadDefinition(f));
    expect(v.message).toMatch(/vars\.local_zone is not a time zone/);
    expect(v.location).toMatchObject({ file: f, line: 3 });
    expect(() => loadDefinition(defFile(cron(`dump: d, upload: u, local_zone: "{{ zone }}"`)))).not.toThrow();
  });

  it("needs that wait on each other across two files name both places", () => {
    const a = defFile(`${head("ta")}      - { id: a, hosts: db, user: { name: a }, needs: ["b:exists"] }\n`);
    const b = defFile(
      `${head("tb")}      - id: b\n        hosts: db\n        needs: [a]\n        user: { name: b }\n`,
    );
    const e = errorOf(() => loadDefinitions([a, b]));
    expect(e.message).toBe('checks "a" → "b" → "a" need each other, so none of them would ever run');
    expect(e.location).toMatchObject({ file: a, line: 9 });
    expect(e.hint).toBe(`Remove one of these needs: a at ${a}:9, b at ${b}:9.`);
    expect(e.exitCode).toBe(CANNOT_RUN);
    // A chain without a loop loads.
    const c = defFile(`${head("tc")}      - { id: c, hosts: db, user: { name: c }, needs: [a] }\n`);
    const d = defFile(`${head("td")}      - { id: a, hosts: db, user: { name: a } }\n`);
    expect(loadDefinitions([c, d]).map((x) => x.tasks[0]!.checks[0]!.id)).toEqual(["c", "a"]);
  });

  it("the same check id in two files points at the second and names the first", () => {
    const a = defFile(`${head("ta")}      - { id: same, hosts: db, user: { name: a } }\n`);
    const b = defFile(
      `${head("tb")}      - { hosts: db, group: { name: g } }\n      - id: same\n        hosts: db\n        user: { name: b }\n`,
    );
    const e = errorOf(() => loadDefinitions([a, b]));
    expect(e.message).toBe('check id "same" is used twice');
    expect(e.location).toEqual({ file: b, line: 10, column: 9 });
    expect(e.hint).toBe(`The other one is at ${a}:9.`);
  });

  it("a YAML error in a definition file exits like every other definition error, at its place", () => {
    const f = defFile(`${head("t")}      - { hosts: db, user: { name: a }\n`);
    const e = errorOf(() => loadDefinition(f));
    expect(e.message).toMatch(/^YAML syntax error: /);
    expect(e.location?.file).toBe(f);
    expect(e.location?.line).toBeGreaterThan(0);
    expect(e.exitCode).toBe(CANNOT_RUN);
  });
});

describe("restore drill: why a dump did not load", () => {
  it("is the mysql client's ERROR line, not the dashes MariaDB frames the failing statement with", () => {
    // What MariaDB 10.11's client printed for a dump cut off inside an INSERT (stdout and stderr together).
    const out =
      '--------------\nINSERT INTO item VALUES (1, "cut off\n--------------\n\n' +
      "ERROR 1064 (42000) at line 3: You have an error in your SQL syntax; check the manual that corresponds to " +
      "your MariaDB server version for the right syntax to use near '\"cut off' at line 1\n";
    expect(mysqlError(out)).toMatch(/^ERROR 1064 \(42000\) at line 3: You have an error in your SQL syntax/);
    expect(mysqlError("no .sql file in the backup\n")).toBe("no .sql file in the backup");
    expect(mysqlError("")).toBe("no output");
  });
});
