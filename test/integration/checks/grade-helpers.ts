/** Grading the test lab with the built-in definitions, and comparing two gradings check by check. */
import { expect } from "vitest";
import {
  builtinDefinition,
  gradeStudent,
  loadDefinitions,
  type StudentReport,
} from "../../../src/checks/index.js";
import { loadInventory } from "../../../src/inventory/index.js";
import { ConnectionPool } from "../../../src/transport/index.js";
import { lab } from "../lab-helpers.js";

/**
 * Schedules are judged from a fixed Saturday noon, so "the next upload" (Sunday's full) does not depend on the
 * day the tests run; duplicity's ages still use the hosts' clocks.
 */
export const SATURDAY = new Date("2026-11-28T12:00:00Z");

export async function grade(repo: string, now = SATURDAY): Promise<StudentReport> {
  const pool = new ConnectionPool();
  try {
    return await gradeStudent({
      student: "elvis",
      inventory: loadInventory([lab().inventory]),
      repo,
      definitions: loadDefinitions([builtinDefinition("9"), builtinDefinition("10")]),
      pool,
      now,
    });
  } finally {
    await pool.closeAll();
  }
}

export interface CheckState {
  status: string;
  failing: string[];
  messages: string[];
}

/** id@host → status, failing properties and messages. */
export function states(r: StudentReport): Map<string, CheckState> {
  const out = new Map<string, CheckState>();
  for (const c of r.tasks.flatMap((t) => t.checks))
    out.set(`${c.id}@${c.host ?? "repo"}`, {
      status: c.status,
      failing: c.results.filter((p) => p.status === "fail").map((p) => p.property),
      messages: [
        c.note ?? "",
        ...c.results.filter((p) => p.status === "fail").map((p) => p.message ?? ""),
      ].filter(Boolean),
    });
  return out;
}

/** Everything that differs between two gradings, as id@host → the later state. */
export function changed(before: StudentReport, after: StudentReport): Record<string, CheckState> {
  const a = states(before);
  const out: Record<string, CheckState> = {};
  for (const [k, v] of states(after)) {
    const old = a.get(k);
    if (!old || old.status !== v.status || old.failing.join() !== v.failing.join()) out[k] = v;
  }
  return out;
}

/** Exactly these checks changed, failing exactly these properties, with a message matching. */
export function expectOnly(
  before: StudentReport,
  after: StudentReport,
  want: Record<string, { status?: string; failing?: string[]; message?: RegExp }>,
): void {
  const diff = changed(before, after);
  // Messages in the comparison so a surprise says what happened.
  const seen = Object.fromEntries(
    Object.entries(diff).map(([k, v]) => [k, `${v.status}: ${v.messages.join(" | ")}`]),
  );
  expect(Object.keys(seen).sort(), JSON.stringify(seen, null, 1)).toEqual(Object.keys(want).sort());
  for (const [k, w] of Object.entries(want)) {
    expect(diff[k]!.status, k).toBe(w.status ?? "fail");
    if (w.failing) expect(diff[k]!.failing, k).toEqual(w.failing);
    if (w.message) expect(diff[k]!.messages.join("\n"), k).toMatch(w.message);
  }
}
