/**
 * RPO and RTO as the repository's backup_sla.md (lab 9) states them, quoted into the restore document so its
 * reader knows how much data may be missing and how long the restore may take. A heading about the objective
 * gives its first paragraph; otherwise every line that names it is taken.
 */
import { existsSync, readFileSync } from "node:fs";
import { markdownSections } from "../checks/repo.js";

export interface SlaObjectives {
  file: string;
  rpo: string[];
  rto: string[];
}

const TERMS = {
  rpo: { heading: /\bRPO\b|recovery point/i, line: /\bRPO\b|recovery point objective/i },
  rto: { heading: /\bRTO\b|recovery time/i, line: /\bRTO\b|recovery time objective/i },
};

function firstParagraph(body: string): string[] {
  const lines = body.split("\n");
  const start = lines.findIndex((l) => l.trim() && !/^#/.test(l));
  if (start < 0) return [];
  const end = lines.findIndex((l, i) => i > start && !l.trim());
  return lines.slice(start, end < 0 ? undefined : end).map((l) => l.trim());
}

/** Lines outside code blocks that name the objective. */
function namingLines(text: string, term: keyof typeof TERMS): string[] {
  let fence = false;
  return text
    .split("\n")
    .filter((l) => {
      if (/^\s*(```|~~~)/.test(l)) fence = !fence;
      return !fence && TERMS[term].line.test(l) && !/^\s*#/.test(l) && !/^\s*<!--/.test(l);
    })
    .map((l) => l.trim());
}

/** In the objective's own section: its lines that name it, else its first paragraph; without one, any such line. */
function statements(text: string, term: keyof typeof TERMS): string[] {
  const section = markdownSections(text).find((s) => TERMS[term].heading.test(s.heading));
  if (!section) return namingLines(text, term);
  const naming = namingLines(section.body, term);
  return naming.length ? naming : firstParagraph(section.body);
}

export function readSla(file: string): SlaObjectives | undefined {
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, "utf8");
  return { file, rpo: statements(text, "rpo"), rto: statements(text, "rto") };
}
