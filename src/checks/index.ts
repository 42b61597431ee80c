/** `infra check`: grade Labs 9–10 on students' hosts. */
export { loadDefinition, loadDefinitions, builtinDefinition, CANNOT_RUN } from "./definitions.js";
export { gradeStudent, type GradeOptions } from "./grade.js";
export { gradeRoster, parseRoster, rosterInventory, type RosterEntry } from "./roster.js";
export { exitCodeFor } from "./exit-code.js";
export { CHECK_TYPES } from "./registry.js";
export { FORMATS, formatSummaryCsv, formatSummaryTable } from "./report/index.js";
export type * from "./types.js";
