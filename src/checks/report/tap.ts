/** TAP version 13: one test point per check, failures with a YAML block of their messages. */
import type { StudentReport } from "../types.js";
import { failureText } from "./failure-text.js";

export function formatTap(r: StudentReport): string {
  const checks = r.tasks.flatMap((t) => t.checks.map((c) => ({ t, c })));
  const out = ["TAP version 13", `1..${checks.length}`];
  checks.forEach(({ t, c }, i) => {
    const name = `${t.title}: ${c.name}${c.host ? ` [${c.host}]` : ""}`.replace(/#/g, "\\#");
    if (c.status === "skip") out.push(`ok ${i + 1} - ${name} # SKIP ${c.note ?? ""}`.trimEnd());
    else out.push(`${c.status === "pass" ? "ok" : "not ok"} ${i + 1} - ${name}`);
    if (c.status === "fail") {
      out.push("  ---", "  message: |");
      for (const l of failureText(c).split("\n")) out.push(`    ${l}`);
      out.push("  ...");
    }
  });
  return out.join("\n") + "\n";
}
