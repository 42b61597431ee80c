/** The lines that explain a check's outcome: its note, then one line per failed property. */
import type { CheckOutcome } from "../types.js";

export function failureText(c: CheckOutcome): string {
  const lines = c.note ? [c.note] : [];
  for (const p of c.results) if (p.status !== "pass" && p.message) lines.push(p.message);
  return lines.join("\n");
}
