/** A roster's summary: one row per student (score, failed checks, whether grading ran), as a table or CSV. */
import type { StudentReport } from "../types.js";

export function summaryRows(reports: StudentReport[]): string[][] {
  return reports.map((r) => {
    const failed = r.tasks.flatMap((t) => t.checks).filter((c) => c.status !== "pass").length;
    return [
      r.student,
      String(r.score),
      String(r.maxScore),
      String(failed),
      r.error ? `could not run: ${r.error}` : "graded",
    ];
  });
}

const HEADER = ["student", "score", "max_score", "not_passed", "status"];

export function formatSummaryTable(reports: StudentReport[]): string {
  const rows = [HEADER, ...summaryRows(reports)];
  const widths = HEADER.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return (
    rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join("  ")).join("\n") +
    "\n"
  );
}

const csvCell = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

export function formatSummaryCsv(reports: StudentReport[]): string {
  return [HEADER, ...summaryRows(reports)].map((r) => r.map(csvCell).join(",")).join("\n") + "\n";
}
