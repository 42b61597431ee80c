import { describe, expect, test } from "vitest";
import { fileCheck } from "../../../src/checks/file.js";
import { userCheck } from "../../../src/checks/user.js";
import { groupCheck } from "../../../src/checks/group.js";
import { commandCheck } from "../../../src/checks/command.js";
import { mysqlGrantsCheck, parseGrant } from "../../../src/checks/mysql-grants.js";
import { influxCheck } from "../../../src/checks/influx.js";
import { duplicityCheck } from "../../../src/checks/duplicity.js";
import { parseCollectionStatus, setsFromFileNames } from "../../../src/checks/lib/duplicity-status.js";
import { markdownSections, repoCheck } from "../../../src/checks/repo.js";
import { batchScript, splitBatchOutput } from "../../../src/checks/batch-script.js";
import { backupVars, parseDiscovery } from "../../../src/checks/discovery.js";
import { fillVars, MissingVar } from "../../../src/checks/template-vars.js";
import type { CheckContext, PropertyResult } from "../../../src/checks/types.js";
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";

const ctx: CheckContext = { vars: {}, now: new Date("2026-11-22T12:00:00Z") };
const b64 = (s: string) => Buffer.from(s).toString("base64");
const failing = (rs: PropertyResult[]) => rs.filter((r) => r.status === "fail").map((r) => r.property);

describe("file", () => {
  const spec = {
    path: "/home/backup/.my.cnf",
    owner: "backup",
    mode_max: "0600",
    contains: ["[mysqldump]", "/^no_tablespaces$/"],
  };
  const out = (mode: string, owner = "backup", text = "[mysqldump]\nno_tablespaces\n") =>
    `stat|regular file|${owner}|backup|${mode}\ncontent|${b64(text)}\n`;
  test("no looser than", () => {
    expect(failing(fileCheck.evaluate(spec, out("600"), ctx))).toEqual([]);
    expect(failing(fileCheck.evaluate(spec, out("400"), ctx))).toEqual([]);
    const rs = fileCheck.evaluate(
      { ...spec, fix: { mode: "it must be readable by backup alone — 0600 or 0400" } },
      out("644"),
      ctx,
    );
    expect(rs.find((r) => r.property === "mode")!.message).toBe(
      "/home/backup/.my.cnf is mode 0644: it must be readable by backup alone — 0600 or 0400",
    );
  });
  test("owner, contents, missing file", () => {
    expect(failing(fileCheck.evaluate(spec, out("600", "root"), ctx))).toEqual(["owner"]);
    expect(failing(fileCheck.evaluate(spec, out("600", "backup", "[mysqldump]\n"), ctx))).toEqual([
      "contains",
    ]);
    expect(failing(fileCheck.evaluate(spec, "", ctx))).toEqual(["exists"]);
    expect(failing(fileCheck.evaluate({ path: "/x", exists: false }, "", ctx))).toEqual([]);
  });
  test("the probe reads the real file system", () => {
    const dir = mkdtempSync(join(tmpdir(), "infra-check-file-"));
    writeFileSync(join(dir, "f"), "hello\n", { mode: 0o640 });
    const output = execFileSync(
      "sh",
      ["-c", fileCheck.probe({ path: join(dir, "f"), contains: ["hello"] }, ctx)],
      { encoding: "utf8" },
    );
    const rs = fileCheck.evaluate(
      { path: join(dir, "f"), type: "file", mode: "0640", contains: ["hello"] },
      output,
      ctx,
    );
    expect(failing(rs)).toEqual([]);
  });
});

describe("user and group", () => {
  test("home, shell, groups", () => {
    const out = "passwd|backup:x:34:34:backup:/home/backup:/bin/bash\ngroups|backup sudo\n";
    expect(
      failing(userCheck.evaluate({ name: "backup", home: "/home/backup", groups: ["sudo"] }, out, ctx)),
    ).toEqual([]);
    expect(
      failing(userCheck.evaluate({ name: "backup", home: "/var/backups", shell: "/bin/sh" }, out, ctx)),
    ).toEqual(["home", "shell"]);
    expect(failing(userCheck.evaluate({ name: "backup" }, "", ctx))).toEqual(["exists"]);
  });
  test("members listed and by primary group", () => {
    const out = "group|backup:x:34:alice\nprimary|backup\n";
    expect(failing(groupCheck.evaluate({ name: "backup", members: ["alice", "backup"] }, out, ctx))).toEqual(
      [],
    );
    expect(failing(groupCheck.evaluate({ name: "backup", members: ["bob"] }, out, ctx))).toEqual(["members"]);
  });
});

describe("command", () => {
  test("exit code, output patterns, timeout", () => {
    const out = (rc: number, o: string, e = "") => `rc|${rc}\nout|${b64(o)}\nerr|${b64(e)}\n`;
    expect(failing(commandCheck.evaluate({ command: "x", stdout: ["ok"] }, out(0, "ok\n"), ctx))).toEqual([]);
    const bad = commandCheck.evaluate(
      { command: "mysqldump agama", run_as: "backup" },
      out(2, "", "mysqldump: Got error: 1045\n"),
      ctx,
    );
    expect(bad[0]!.message).toMatch(
      /^sudo -u backup mysqldump agama exited with 2 \(mysqldump: Got error: 1045\)/,
    );
    expect(commandCheck.evaluate({ command: "x", timeout: 3 }, out(124, ""), ctx)[0]!.message).toMatch(
      /did not finish within 3 s/,
    );
    expect(
      failing(
        commandCheck.evaluate({ command: "x", stderr_not: ["/denied/i"] }, out(0, "", "Access DENIED"), ctx),
      ),
    ).toEqual(["stderr_not"]);
  });
  test("the probe runs as the user through sudo and reports rc and output", () => {
    const script = commandCheck
      .probe({ command: "echo hi; exit 3" }, ctx)
      .replace(/sudo -H -n -u root -- /, "");
    const out = execFileSync("sh", ["-c", script], { encoding: "utf8" });
    const rs = commandCheck.evaluate({ command: "x", exit_code: 3, stdout: ["hi"] }, out, ctx);
    expect(failing(rs)).toEqual([]);
  });
});

describe("mysql_grants", () => {
  const spec = { user: "backup", database: "agama", privileges: ["SELECT", "LOCK TABLES"] };
  const out = (host: string, grants: string[]) =>
    [`host|${host}`, ...grants.map((g) => `grant|${g}`)].join("\n");
  test("parses SHOW GRANTS", () => {
    expect(parseGrant("GRANT SELECT, LOCK TABLES ON `agama`.* TO `backup`@`localhost`")).toEqual({
      privileges: ["SELECT", "LOCK TABLES"],
      target: "agama.*",
    });
  });
  test("exactly the privileges on exactly the database, from localhost", () => {
    const good = out("localhost", [
      "GRANT USAGE ON *.* TO `backup`@`localhost` IDENTIFIED BY PASSWORD '*X'",
      "GRANT SELECT, LOCK TABLES ON `agama`.* TO `backup`@`localhost`",
    ]);
    expect(failing(mysqlGrantsCheck.evaluate(spec, good, ctx))).toEqual([]);
    const star = mysqlGrantsCheck.evaluate(
      spec,
      out("localhost", ["GRANT SELECT, LOCK TABLES ON *.* TO `backup`@`localhost`"]),
      ctx,
    );
    expect(star.find((r) => r.status === "fail")!.message).toMatch(
      /backup has LOCK TABLES, SELECT on \*\.\* \(every database\)/,
    );
    const any = mysqlGrantsCheck.evaluate(spec, good.replace("host|localhost", "host|%"), ctx);
    expect(failing(any)).toEqual(["host"]);
    const more = mysqlGrantsCheck.evaluate(
      spec,
      out("localhost", ["GRANT SELECT, LOCK TABLES, DROP ON `agama`.* TO `backup`@`localhost`"]),
      ctx,
    );
    expect(more.find((r) => r.status === "fail")!.message).toMatch(/also has DROP/);
    expect(failing(mysqlGrantsCheck.evaluate(spec, "", ctx))).toEqual(["exists"]);
  });
});

describe("influx", () => {
  test("databases and points", () => {
    const out =
      "db|name,name\ndb|databases,telegraf\ncount|telegraf|name,time,count_a,count_b\ncount|telegraf|cpu,0,60,59\n";
    expect(
      failing(influxCheck.evaluate({ databases: ["telegraf"], points: { telegraf: { cpu: 10 } } }, out, ctx)),
    ).toEqual([]);
    expect(
      failing(influxCheck.evaluate({ databases: ["x"], points: { telegraf: { mem: 1 } } }, out, ctx)),
    ).toEqual(["database", "points"]);
  });
});

describe("duplicity", () => {
  const STATUS = `Last full backup date: Sun Nov 22 02:28:27 2026
Found 0 secondary backup chains.

Found primary backup chain with matching signature chain:
-------------------------
Chain start time: Sun Nov 22 02:28:27 2026
 Type of backup set:                            Time:      Num volumes:
                Full         Sun Nov 22 02:28:27 2026                 1
         Incremental         Sun Nov 22 02:28:36 2026                 1
-------------------------
No orphaned or incomplete backup sets found.
`;
  const files = [
    "duplicity-full.20261122T022827Z.manifest",
    "duplicity-inc.20261122T022827Z.to.20261122T022836Z.manifest",
  ];
  const out = (status: string, names: string[], now = 1795400000) =>
    `now|${now}\nrc|0\nstatus|${b64(status)}\nfiles|${b64(names.join("\n"))}\n`;
  test("collection-status", () => {
    const s = parseCollectionStatus(STATUS);
    expect(s.primaryChain).toBe(true);
    expect(s.sets.map((x) => x.type)).toEqual(["full", "incremental"]);
    expect(s.sets[1]!.time.toISOString()).toBe("2026-11-22T02:28:36.000Z");
  });
  test("chain, first backup and age", () => {
    const now = Date.UTC(2026, 10, 22, 12) / 1000;
    const spec = { target: "rsync://elvis@backup/mysql" };
    expect(failing(duplicityCheck.evaluate(spec, out(STATUS, files, now), ctx))).toEqual([]);
    const orphan = ["duplicity-inc.20260101T000000Z.to.20260102T000000Z.manifest", ...files];
    expect(failing(duplicityCheck.evaluate(spec, out(STATUS, orphan, now), ctx))).toEqual(["first_full"]);
    expect(failing(duplicityCheck.evaluate(spec, out(STATUS, files, now + 72 * 3600), ctx))).toEqual(["age"]);
    expect(
      failing(
        duplicityCheck.evaluate(spec, out("No backup chains with active signatures found\n", [], now), ctx),
      ),
    ).toEqual(["chain", "first_full", "age"]);
    expect(setsFromFileNames(orphan)[0]!.type).toBe("incremental");
  });
});

describe("repo", () => {
  test("markdown sections and commands", () => {
    const md =
      "# Restore\n\n## MySQL\n\n    duplicity restore x\n\n```\n# not a heading\n```\n\nInfluxDB\n--------\ninfluxd restore -portable\n";
    const s = markdownSections(md);
    expect(s.map((x) => x.heading)).toEqual(["Restore", "MySQL", "InfluxDB"]);
    const dir = mkdtempSync(join(tmpdir(), "infra-check-repo-"));
    writeFileSync(join(dir, "backup_restore.md"), md);
    mkdirSync(join(dir, "roles"));
    const spec = {
      files: ["backup_restore.md", "roles/", "infra.yaml"],
      document: "backup_restore.md",
      sections: {
        MySQL: { heading: "/mysql/i", commands: ["/duplicity.*restore/"] },
        InfluxDB: { heading: "/influx/i", commands: ["influxd restore"] },
        Agama: { heading: "/agama/i" },
      },
    };
    const rs = repoCheck.run(spec, { ...ctx, repo: dir });
    expect(failing(rs)).toEqual(["file", "section"]);
    expect(rs.find((r) => r.property === "section" && r.status === "fail")!.message).toMatch(
      /has no Agama section/,
    );
  });
});

describe("batch, discovery, vars", () => {
  test("one script, outputs split back per snippet even when one exits", () => {
    const script = batchScript(["echo a", "exit 3", "printf 'b\\nc'"]);
    const parts = splitBatchOutput(execFileSync("sh", ["-c", script], { encoding: "utf8" }), 3);
    expect(parts).toEqual(["a\n", "", "b\nc"]);
  });
  test("discovery and backup vars", () => {
    const f = parseDiscovery("mariadb|yes\nurl|rsync://elvis@backup.x.y/mysql\n");
    expect(f).toEqual({ mariadb: true, influxdb: false, urls: ["rsync://elvis@backup.x.y/mysql"] });
    expect(backupVars(f.urls)).toEqual({
      backup_host: "backup.x.y",
      backup_user: "elvis",
      backup_url_base: "rsync://elvis@backup.x.y",
    });
  });
  test("{{ vars }} filled, missing ones named", () => {
    expect(fillVars({ t: ["{{ a }}/mysql"] }, { a: "x" })).toEqual({ t: ["x/mysql"] });
    expect(() => fillVars("{{ b }}", {})).toThrow(MissingVar);
  });
});
