/**
 * Points: a task's points are shared equally by its checks; a check scores its share only when every property
 * passed on every host it ran on (shared again between those hosts).
 */
import type { CheckOutcome, Definition, Status, TaskOutcome } from "./types.js";

export function checkStatus(results: { status: Status }[]): Status {
  if (results.some((r) => r.status === "fail")) return "fail";
  if (results.length && results.every((r) => r.status === "skip")) return "skip";
  return results.some((r) => r.status === "skip") ? "fail" : "pass";
}

const round = (n: number) => Math.round(n * 100) / 100;

export function scoreTasks(defs: Definition[], outcomes: CheckOutcome[]): TaskOutcome[] {
  return defs.flatMap((d) =>
    d.tasks.map((t) => {
      const share = t.checks.length ? t.points / t.checks.length : 0;
      const checks: CheckOutcome[] = [];
      for (const c of t.checks) {
        const mine = outcomes.filter((o) => o.id === c.id);
        for (const o of mine) {
          o.maxPoints = round(share / mine.length);
          o.points = o.status === "pass" ? o.maxPoints : 0;
          checks.push(o);
        }
      }
      return {
        id: t.id,
        title: t.title,
        points: round(checks.reduce((s, c) => s + c.points, 0)),
        maxPoints: t.points,
        checks,
      };
    }),
  );
}
