/**
 * 0 when no check failed, 1 when some check did, 2 when grading could not run (unreachable host, bad definitions).
 * A skipped check is not a failure, as in Goss and TAP: what the grader chose not to run (restore drills with
 * --no-drills, repository checks without --repo) is shown as skipped and scores nothing, but does not fail the
 * run; a check skipped because another failed comes with that failure.
 */
import type { StudentReport } from "./types.js";

export function exitCodeFor(reports: StudentReport[]): number {
  if (reports.some((r) => r.error)) return 2;
  return reports.some((r) => r.tasks.some((t) => t.checks.some((c) => c.status === "fail"))) ? 1 : 0;
}
