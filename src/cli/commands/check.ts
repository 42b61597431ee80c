/** `infra check`: verify Labs 9–10 on a student's hosts (or a whole roster) and report scores. */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import {
  builtinDefinition,
  CANNOT_RUN,
  exitCodeFor,
  FORMATS,
  formatSummaryCsv,
  formatSummaryTable,
  gradeRoster,
  gradeStudent,
  loadDefinitions,
  parseRoster,
} from "../../checks/index.js";
import { loadInventory } from "../../inventory/index.js";
import { ConnectionPool } from "../../transport/index.js";
import { InfraError } from "../../util/errors.js";

interface CheckOptions {
  inventory?: string;
  repo?: string;
  lab: string;
  checks?: string[];
  format: string;
  out?: string;
  roster?: string;
  outDir?: string;
  jobs: number;
  var: string[];
  student?: string;
  verbose?: boolean;
}

function parseVars(list: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of list) {
    const i = kv.indexOf("=");
    if (i < 1)
      throw new InfraError(`--var takes NAME=VALUE, got ${JSON.stringify(kv)}`, { exitCode: CANNOT_RUN });
    out[kv.slice(0, i)] = kv.slice(i + 1);
  }
  return out;
}

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
    .option("-v, --verbose", "say which hosts were read and how long it took")
    .action(async (opts: CheckOptions) => {
      const fmt = FORMATS[opts.format];
      if (!fmt)
        throw new InfraError(`unknown --format ${opts.format}`, {
          hint: `Formats: ${Object.keys(FORMATS).join(", ")}.`,
          exitCode: CANNOT_RUN,
        });
      const files = opts.checks?.length
        ? opts.checks
        : opts.lab.split(",").map((l) => builtinDefinition(l.trim()));
      const definitions = loadDefinitions(files);
      const log = opts.verbose ? (m: string) => process.stderr.write(`check: ${m}\n`) : undefined;
      const vars = parseVars(opts.var);
      if (opts.roster) {
        const entries = parseRoster(readFileSync(opts.roster, "utf8"), opts.roster);
        const reports = await gradeRoster(entries, { definitions, vars, jobs: opts.jobs, log });
        if (opts.outDir) {
          mkdirSync(opts.outDir, { recursive: true });
          for (const r of reports)
            writeFileSync(
              join(opts.outDir, `${r.student.replace(/[^A-Za-z0-9_.-]/g, "_")}.${fmt.ext}`),
              fmt.format(r),
            );
          writeFileSync(join(opts.outDir, "summary.csv"), formatSummaryCsv(reports));
        }
        const summary = formatSummaryTable(reports);
        if (opts.out) writeFileSync(opts.out, formatSummaryCsv(reports));
        process.stdout.write(summary);
        process.exitCode = exitCodeFor(reports);
        return;
      }
      if (!opts.inventory)
        throw new InfraError("infra check needs -i INVENTORY (or --roster CSV)", { exitCode: CANNOT_RUN });
      const pool = new ConnectionPool();
      try {
        const report = await gradeStudent({
          student: opts.student ?? "student",
          inventory: loadInventory([opts.inventory]),
          repo: opts.repo,
          definitions,
          pool,
          vars,
          log,
        });
        const text = fmt.format(report);
        if (opts.out) writeFileSync(opts.out, text);
        else process.stdout.write(text);
        if (report.error) process.stderr.write(`check: ${report.error}\n`);
        process.exitCode = exitCodeFor([report]);
      } finally {
        await pool.closeAll();
      }
    });
}
