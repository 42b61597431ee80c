/**
 * Cron schedules in words for people who think in another zone than the servers: the servers run in UTC, the
 * reader's clock (Europe/Tallinn in the course) is two hours ahead in winter and three in summer, so a job at
 * 23:20 UTC on Sunday runs at 01:20 on Monday for them. Everything here is a pure function of the schedule and
 * the zone: the rendered document must not change from one day to the next, or `infra docs --check` would.
 */
import cronstrue from "cronstrue";
import { InfraError } from "../util/errors.js";

export interface ScheduleWords {
  /** The five cron fields as written. */
  cron: string;
  /** "At 23:20, only on Sunday" (UTC). */
  utc: string;
  /** The same in the local zone; "winter / summer" when daylight saving time moves it. */
  local: string;
}

const DAY = 1440;
/** Mid-January and mid-July 2024: one date on each side of daylight saving time, in both hemispheres. */
const SEASONS = [
  { name: "winter", at: Date.UTC(2024, 0, 15, 12) },
  { name: "summer", at: Date.UTC(2024, 6, 15, 12) },
];

/** Minutes the zone is ahead of UTC at that instant. */
export function zoneOffset(zone: string, at: number): number {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
    }).formatToParts(new Date(at));
  } catch {
    throw new InfraError(`unknown time zone ${JSON.stringify(zone)}`, {
      hint: "Give an IANA zone name such as Europe/Tallinn or UTC.",
      exitCode: 5,
    });
  }
  const n = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  const wall = Date.UTC(n("year"), n("month") - 1, n("day"), n("hour"), n("minute"));
  return Math.round((wall - at) / 60_000);
}

/** "1,2,3,4,5,6" → "1-6", so cronstrue says "Monday through Saturday" rather than listing six days. */
function compactDays(field: string): string {
  if (!/^\d(,\d)*$/.test(field)) return field;
  const days = field.split(",").map(Number);
  const runs: string[] = [];
  for (let i = 0; i < days.length;) {
    let j = i;
    while (j + 1 < days.length && days[j + 1] === days[j]! + 1) j++;
    runs.push(j - i >= 2 ? `${days[i]}-${days[j]}` : days.slice(i, j + 1).join(","));
    i = j + 1;
  }
  return runs.join(",");
}

export function cronWords(fields: string): string {
  const f = fields.trim().split(/\s+/);
  if (f.length === 5) f[4] = compactDays(f[4]!);
  try {
    return cronstrue.toString(f.join(" "), { use24HourTimeFormat: true, verbose: false });
  } catch {
    return `"${fields}"`;
  }
}

/** Weekday field with every day moved by `shift` days, or undefined when it is not a plain list or range. */
function shiftWeekdays(field: string, shift: number): string | undefined {
  if (field === "*" || shift === 0) return field;
  const days = new Set<number>();
  for (const part of field.split(",")) {
    const m = /^(\d)(?:-(\d))?$/.exec(part);
    if (!m) return undefined;
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    for (let d = from; d <= to; d++) days.add(((((d % 7) + shift) % 7) + 7) % 7);
  }
  return [...days].sort((a, b) => a - b).join(",");
}

/** The schedule as the zone's clock shows it at one season's offset, or undefined when it cannot be moved. */
function localFields(fields: string[], offset: number): string | undefined {
  const [min, hour, dom, month, dow] = fields as [string, string, string, string, string];
  if (!/^\d+$/.test(min) || !/^\d+$/.test(hour)) return undefined;
  const t = Number(hour) * 60 + Number(min) + offset;
  const shift = Math.floor(t / DAY);
  const m = ((t % DAY) + DAY) % DAY;
  if (shift !== 0 && (dom !== "*" || month !== "*")) return undefined;
  const days = shiftWeekdays(dow, shift);
  if (days === undefined) return undefined;
  return [String(m % 60), String(Math.floor(m / 60)), dom, month, days].join(" ");
}

function offsetText(offset: number): string {
  const sign = offset < 0 ? "-" : "+";
  const a = Math.abs(offset);
  return `UTC${sign}${Math.floor(a / 60)}${a % 60 ? `:${String(a % 60).padStart(2, "0")}` : ""}`;
}

interface Season {
  fields?: string;
  text: string;
}

/** Two moved schedules that differ only in the time of day. */
function sameDays(a: string, b: string): boolean {
  return a.split(" ").slice(2).join(" ") === b.split(" ").slice(2).join(" ");
}

function hhmm(fields: string): string {
  const [min, hour] = fields.split(" ");
  return `${hour!.padStart(2, "0")}:${min!.padStart(2, "0")}`;
}

/** Words for a five-field schedule, in UTC and in `zone`. */
export function describeCron(schedule: string, zone: string): ScheduleWords {
  const fields = schedule.trim().split(/\s+/);
  const utc = cronWords(schedule);
  if (fields.length !== 5 || zone === "UTC") return { cron: schedule, utc, local: utc };
  // A schedule that does not name an hour reads the same on every clock.
  if (fields[1] === "*") return { cron: schedule, utc, local: utc };
  const [winter, summer] = SEASONS.map((s) => {
    const offset = zoneOffset(zone, s.at);
    const moved = localFields(fields, offset);
    return { fields: moved, text: moved ? cronWords(moved) : `${utc} UTC, that is ${offsetText(offset)}` };
  }) as [Season, Season];
  let local: string;
  if (winter.text === summer.text) local = winter.text;
  else if (winter.fields && summer.fields && sameDays(winter.fields, summer.fields))
    local = `${winter.text} (${hhmm(summer.fields)} in summer)`;
  else local = `${winter.text} (winter); ${summer.text} (summer)`;
  return { cron: schedule, utc, local };
}
