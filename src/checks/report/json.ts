/** The whole report as JSON, for scripts. */
import type { StudentReport } from "../types.js";

export function formatJson(reports: StudentReport | StudentReport[]): string {
  return JSON.stringify(reports, null, 2) + "\n";
}
