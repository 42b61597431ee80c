/** JUnit XML: a test suite per lab task, a test case per check (failures carry their messages). */
import type { StudentReport } from "../types.js";
import { failureText } from "./failure-text.js";

const esc = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

export function formatJunit(r: StudentReport): string {
  const suites = r.tasks.map((t) => {
    const cases = t.checks.map((c) => {
      const name = esc(`${c.name}${c.host ? ` [${c.host}]` : ""}`);
      const body =
        c.status === "fail"
          ? `<failure message="${esc(failureText(c).split("\n")[0] ?? "")}">${esc(failureText(c))}</failure>`
          : c.status === "skip"
            ? `<skipped message="${esc(c.note ?? "skipped")}"/>`
            : "";
      return `    <testcase classname="${esc(t.id)}" name="${name}">${body}</testcase>`;
    });
    const failures = t.checks.filter((c) => c.status === "fail").length;
    const skipped = t.checks.filter((c) => c.status === "skip").length;
    return `  <testsuite name="${esc(t.title)}" tests="${t.checks.length}" failures="${failures}" skipped="${skipped}">\n${cases.join("\n")}\n  </testsuite>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${esc(r.student)}">\n${suites.join("\n")}\n</testsuites>\n`;
}
