/** `infra check`: grades one student (inventory + repository) or a whole roster, and writes the reports. */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
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

export interface CheckOptions {
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
  /** commander's --no-drills: false skips the restore drills. */
  drills?: boolean;
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

export async function check(opts: CheckOptions): Promise<void> {
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
    const reports = await gradeRoster(entries, {
      definitions,
      vars,
      jobs: opts.jobs,
      log,
      drills: opts.drills,
    });
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
      drills: opts.drills,
    });
    const text = fmt.format(report);
    if (opts.out) writeFileSync(opts.out, text);
    else process.stdout.write(text);
    if (report.error) process.stderr.write(`check: ${report.error}\n`);
    process.exitCode = exitCodeFor([report]);
  } finally {
    await pool.closeAll();
  }
}
