/** Output formats by name (--format). */
import type { StudentReport } from "../types.js";
import { formatGradescope } from "./gradescope.js";
import { formatJson } from "./json.js";
import { formatJunit } from "./junit.js";
import { formatTable } from "./table.js";
import { formatTap } from "./tap.js";

export const FORMATS: Record<string, { ext: string; format: (r: StudentReport) => string }> = {
  table: { ext: "txt", format: formatTable },
  json: { ext: "json", format: (r) => formatJson(r) },
  junit: { ext: "xml", format: formatJunit },
  tap: { ext: "tap", format: formatTap },
  gradescope: { ext: "json", format: formatGradescope },
};

export { formatSummaryCsv, formatSummaryTable } from "./summary.js";
