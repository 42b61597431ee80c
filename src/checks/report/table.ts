/** The human report: which host was graded for what, then each lab task with ✓/✗, points and one line per failure. */
import type { CheckOutcome, StudentReport } from "../types.js";

const mark = (c: CheckOutcome) => (c.status === "pass" ? "✓" : c.status === "skip" ? "-" : "✗");

export function formatTable(r: StudentReport): string {
  const out: string[] = [`${r.student}: ${r.score}/${r.maxScore} points (labs ${r.labs.join(", ")})`];
  if (r.error) out.push(`  could not grade everything — ${r.error}`);
  for (const role of r.roles)
    out.push(`  ${role.role}: ${role.hosts.join(", ") || "(none)"} — ${role.reason}`);
  for (const t of r.tasks) {
    out.push("", `${t.title}  ${t.points}/${t.maxPoints}`);
    for (const c of t.checks) {
      const where = c.host ? ` [${c.host}]` : "";
      out.push(`  ${mark(c)} ${c.name}${where}  ${c.points}/${c.maxPoints}`);
      if (c.note) out.push(`      ${c.note}`);
      for (const p of c.results) if (p.status === "fail" && p.message) out.push(`      ${p.message}`);
    }
  }
  return out.join("\n") + "\n";
}
