import { describe, expect, test } from "vitest";
import { evaluateCron, uploadKind, type CronSpec } from "../../../src/checks/cron.js";
import { fileProblems, parseCronFile, unescapedPercent } from "../../../src/checks/lib/crontab.js";
import type { PropertyResult } from "../../../src/checks/types.js";

const SPEC: CronSpec = {
  service: "MySQL",
  file: "mysql-backup",
  dump: "mysqldump\\b.*\\bagama\\b",
  upload: "duplicity\\b.*://\\S+/mysql/?(\\s|$)",
  local_zone: "Europe/Tallinn",
};
const URL = "rsync://elvis@backup/mysql";
const GOOD = `0 0 * * *  backup  mysqldump agama > /home/backup/mysql/agama.sql
15 0 * * 0  backup  duplicity --no-encryption full /home/backup/mysql/ ${URL}
15 0 * * 1-6  backup  duplicity --no-encryption incremental /home/backup/mysql/ ${URL}
`;
const SATURDAY = new Date("2026-11-28T12:00:00Z");
const MONDAY = new Date("2026-11-23T12:00:00Z");

function run(
  text: string,
  opts: {
    name?: string;
    owner?: string;
    mode?: number;
    now?: Date;
    target?: string;
    spec?: Partial<CronSpec>;
  } = {},
) {
  const f = parseCronFile(
    `/etc/cron.d/${opts.name ?? "mysql-backup"}`,
    opts.owner ?? "root",
    opts.mode ?? 0o644,
    text,
  );
  const targets = new Map(opts.target ? [[URL, opts.target]] : []);
  return evaluateCron({ ...SPEC, ...opts.spec }, [f], new Set(["root", "backup"]), targets, {
    vars: {},
    now: opts.now ?? SATURDAY,
  });
}

const failing = (rs: PropertyResult[]) => rs.filter((r) => r.status === "fail").map((r) => r.property);
const message = (rs: PropertyResult[], p: string) => rs.find((r) => r.property === p)?.message ?? "";

describe("cron check", () => {
  test("the lab's schedule passes every rule", () => {
    expect(failing(run(GOOD))).toEqual([]);
  });

  test("describes each schedule in UTC and in the local zone", () => {
    const jobs = run(GOOD).find((r) => r.property === "jobs")!.found;
    expect(jobs).toContain("At 00:15, only on Sunday UTC — next Sun 00:15 UTC (02:15 Europe/Tallinn)");
  });

  test("a file name with a dot is ignored by cron", () => {
    const rs = run(GOOD, { name: "mysql-backup.j2" });
    expect(failing(rs)).toEqual(["file_name"]);
    expect(message(rs, "file_name")).toMatch(
      /cron ignores .*mysql-backup\.j2.*rename it to \/etc\/cron\.d\/mysql-backup/,
    );
  });

  test("owner, mode and the trailing newline follow Debian's rules", () => {
    expect(failing(run(GOOD, { owner: "backup" }))).toEqual(["file_owner"]);
    expect(failing(run(GOOD, { mode: 0o664 }))).toEqual(["file_mode"]);
    expect(failing(run(GOOD.trimEnd()))).toEqual(["newline"]);
  });

  test("a job without a user field", () => {
    const rs = run(GOOD.replace("0 0 * * *  backup  mysqldump", "0 0 * * *  mysqldump"));
    expect(failing(rs)).toEqual(["user_field"]);
    expect(message(rs, "user_field")).toMatch(/has no user field/);
  });

  test("an unescaped % cuts the command", () => {
    expect(unescapedPercent("mysqldump agama > /x/$(date +%F).sql")).toBe(true);
    expect(unescapedPercent("mysqldump agama > /x/$(date +\\%F).sql")).toBe(false);
    expect(failing(run(GOOD.replace("agama.sql", "$(date +%F).sql")))).toEqual(["percent"]);
  });

  test("upload at the same minute as the dump, or before it", () => {
    const same = run(GOOD.replace(/^15 0 /gm, "0 0 "));
    expect(failing(same)).toEqual(["order"]);
    expect(message(same, "order")).toMatch(/the same minute as the dump/);
    const before = run(GOOD.replace(/^0 0 /m, "30 0 "));
    expect(message(before, "order")).toMatch(/before the dump at 00:30 UTC/);
    expect(failing(run(GOOD.replace(/^15 0 /gm, "3 0 "), { spec: { min_gap_minutes: 5 } }))).toEqual([
      "order",
    ]);
  });

  test("a dump the evening before uploads after midnight are in order (one night)", () => {
    expect(failing(run(GOOD.replace(/^0 0 /m, "0 23 ")))).toEqual([]);
  });

  test("only incrementals: no full backup", () => {
    const text = GOOD.split("\n")
      .filter((l) => !/ full /.test(l))
      .join("\n")
      .replace("1-6", "*");
    const rs = run(text, { target: "full" });
    expect(failing(rs)).toEqual(["full"]);
    expect(message(rs, "full")).toMatch(/every one is incremental/);
  });

  test("a full and an incremental on the same night", () => {
    expect(failing(run(GOOD.replace("1-6", "*")))).toEqual(["not_both"]);
  });

  test("a night without any upload", () => {
    expect(failing(run(GOOD.replace("1-6", "1-5")))).toEqual(["daily"]);
  });

  test("the first upload is incremental and the target holds no full backup", () => {
    const rs = run(GOOD, { now: MONDAY, target: "none" });
    expect(failing(rs)).toEqual(["first_run"]);
    expect(message(rs, "first_run")).toMatch(
      /next upload \(Tue 00:15 UTC .*\) is incremental .*holds no full backup yet/,
    );
    expect(failing(run(GOOD, { now: MONDAY, target: "full" }))).toEqual([]);
  });

  test("jobs after the 01:00 UTC deadline, or too close to it", () => {
    const late = run(GOOD.replace(/^0 0 /m, "0 1 ").replace(/^15 0 /gm, "15 1 "));
    expect(failing(late)).toEqual(["deadline"]);
    expect(message(late, "deadline")).toMatch(
      /01:00 UTC \(03:00 Europe\/Tallinn\), after the hosts are destroyed/,
    );
    expect(failing(run(GOOD.replace(/^15 0 /gm, "58 0 ")))).toEqual(["deadline"]);
  });

  test("missing jobs skip the schedule rules", () => {
    const rs = run("# nothing\n");
    expect(failing(rs)).toEqual(["jobs"]);
    expect(rs.filter((r) => r.status === "skip").length).toBeGreaterThan(5);
  });

  test("an invalid schedule", () => {
    expect(failing(run(GOOD.replace("15 0 * * 0", "75 0 * * 0")))).toEqual(["schedule"]);
  });

  test("upload kinds", () => {
    expect(uploadKind("duplicity full a b")).toBe("full");
    expect(uploadKind("duplicity incremental a b")).toBe("incremental");
    expect(uploadKind("duplicity --full-if-older-than 7D a b")).toBe("auto");
  });

  test("file problems list", () => {
    const f = parseCronFile("/etc/cron.d/a.b", "ubuntu", 0o666, "x");
    expect(fileProblems(f).map((p) => p.property)).toEqual([
      "file_name",
      "file_owner",
      "file_mode",
      "newline",
    ]);
  });
});
