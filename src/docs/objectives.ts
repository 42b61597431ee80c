/**
 * What the schedules promise: the worst-case data loss (RPO) is the longest time from the data one upload carries
 * (its dump) to the moment the next upload lands; just before that, a restore brings back the older data. Computed
 * over two fixed weeks with the same cron semantics `infra check` uses, so the answer never depends on today.
 */
import { occurrences } from "../checks/lib/schedule.js";

const FROM = new Date(Date.UTC(2024, 0, 1));
const DAYS = 14;

/** Minutes of the worst-case data loss, or undefined when nothing is uploaded at least twice in two weeks. */
export function worstDataLoss(dumps: string[], uploads: string[]): number | undefined {
  const up = [...new Set(uploads.flatMap((s) => occurrences(s, FROM, DAYS)))].sort((a, b) => a - b);
  const dumped = [...new Set(dumps.flatMap((s) => occurrences(s, FROM, DAYS)))].sort((a, b) => a - b);
  let worst: number | undefined;
  for (let k = 0; k + 1 < up.length; k++) {
    // The data upload k carries: the newest dump before it (or, with no dump job, what it reads when it runs).
    const before = dumps.length ? dumped.filter((d) => d < up[k]!).pop() : up[k];
    if (before === undefined) continue;
    const loss = up[k + 1]! - before;
    worst = worst === undefined ? loss : Math.max(worst, loss);
  }
  return worst;
}

/** "24 h 20 min"; whole days only from three days on, where hours stop helping. */
export function durationWords(minutes: number): string {
  const d = minutes >= 3 * 1440 ? Math.floor(minutes / 1440) : 0;
  const h = Math.floor((minutes - d * 1440) / 60);
  const m = minutes % 60;
  const parts = [d ? `${d} days` : "", h ? `${h} h` : "", m ? `${m} min` : ""].filter(Boolean);
  return parts.join(" ") || "0 min";
}

/** Minutes from the job's start of day to the deadline (both UTC), for "finished by 01:00 UTC" statements. */
export function minutesBefore(schedule: string, deadline: string): number | undefined {
  const f = schedule.split(/\s+/);
  const [dh, dm] = deadline.split(":").map(Number);
  if (!/^\d+$/.test(f[0] ?? "") || !/^\d+$/.test(f[1] ?? "") || dh === undefined || dm === undefined)
    return undefined;
  const start = Number(f[1]) * 60 + Number(f[0]);
  return (((dh * 60 + dm - start) % 1440) + 1440) % 1440;
}
