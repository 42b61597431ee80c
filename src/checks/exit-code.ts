/** 0 when everything passed, 1 when some check did not, 2 when grading could not run (unreachable host). */
import type { StudentReport } from "./types.js";

export function exitCodeFor(reports: StudentReport[]): number {
  if (reports.some((r) => r.error)) return 2;
  return reports.every((r) => r.tasks.every((t) => t.checks.every((c) => c.status === "pass"))) ? 0 : 1;
}
