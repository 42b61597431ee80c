/** Gradescope autograder results.json: score, max_score and a test per check with its output. */
import type { StudentReport } from "../types.js";
import { failureText } from "./failure-text.js";

export function gradescopeResults(r: StudentReport) {
  return {
    score: r.score,
    max_score: r.maxScore,
    output:
      r.roles.map((x) => `${x.role}: ${x.hosts.join(", ") || "(none)"} — ${x.reason}`).join("\n") +
      (r.error ? `\n${r.error}` : ""),
    tests: r.tasks.flatMap((t) =>
      t.checks.map((c) => ({
        name: `${t.title}: ${c.name}${c.host ? ` [${c.host}]` : ""}`,
        score: c.points,
        max_score: c.maxPoints,
        status: c.status === "pass" ? "passed" : "failed",
        output: c.status === "pass" ? "" : failureText(c),
        visibility: "visible",
      })),
    ),
  };
}

export function formatGradescope(r: StudentReport): string {
  return JSON.stringify(gradescopeResults(r), null, 2) + "\n";
}
