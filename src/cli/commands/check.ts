/** `infra check`: verify Labs 9–10 on a student's hosts (or a whole roster) and report scores. */
import type { Command } from "commander";
import { FORMATS } from "../../checks/report/index.js";
import type { CheckOptions } from "../actions/check.js";

export function registerCheck(program: Command): void {
  program
    .command("check")
    .description(
      "grade Labs 9–10: verify every requirement on the student's hosts over SSH and report scores",
    )
    .option("-i, --inventory <path>", "the student's inventory")
    .option("--repo <dir>", "the student's repository (for backup_restore.md, backup_sla.md, roles)")
    .option("--lab <labs>", "built-in definitions to use, comma-separated", "9,10")
    .option("--checks <file...>", "definition files to use instead of the built-in ones")
    .option("--format <format>", `output: ${Object.keys(FORMATS).join(", ")}`, "table")
    .option("--out <file>", "write the report here instead of stdout")
    .option(
      "--roster <csv>",
      "grade every student of roster.csv (name,inventory,repo or name,host,port,user,key,repo)",
    )
    .option("--out-dir <dir>", "with --roster: one report per student and summary.csv in this directory")
    .option("--jobs <n>", "with --roster: students graded at once", (v) => Number(v), 4)
    .option("--var <name=value...>", "set a definition value (e.g. backup_host=backup.example.org)", [])
    .option("--student <name>", "the name shown in the report", "student")
    .option("--no-drills", "skip the restore drills: grading then only reads the hosts, changing nothing")
    .option("-v, --verbose", "say which hosts were read and how long it took")
    .action(async (opts: CheckOptions) => {
      // Loaded on use, like apply's: the check types, drills and database clients stay out of other commands.
      const { check } = await import("../actions/check.js");
      await check(opts);
    });
}
