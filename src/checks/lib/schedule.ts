/**
 * When cron jobs run, seen as "nights": the lab hosts are destroyed at a deadline (01:00 UTC), so a backup cycle is
 * the 24 hours that end at the deadline. Occurrences come from croner (Vixie cron semantics: when both day of month
 * and day of week are restricted, either one matching is enough), in UTC like the servers.
 */
import { Cron } from "croner";
import cronstrue from "cronstrue";

const DAY = 1440;

/** Cron's nicknames as five fields (croner knows most; @midnight and @annually are spelled out for cronstrue too). */
const NICKNAMES: Record<string, string> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
};

export function fiveFields(schedule: string): string {
  return NICKNAMES[schedule] ?? schedule;
}

/** A schedule croner cannot read, with its message; undefined when fine. */
export function scheduleError(schedule: string): string | undefined {
  if (schedule === "@reboot") return "@reboot runs only at boot";
  try {
    new Cron(fiveFields(schedule), { timezone: "UTC", paused: true });
    return undefined;
  } catch (e) {
    return (e as Error).message.replace(/^CronPattern: /, "");
  }
}

/** Start times (minutes since the epoch, UTC) from `from` for `days` days, at most `cap` of them. */
export function occurrences(schedule: string, from: Date, days: number, cap = 20_000): number[] {
  if (scheduleError(schedule)) return [];
  const job = new Cron(fiveFields(schedule), { timezone: "UTC", paused: true });
  const end = from.getTime() + days * DAY * 60_000;
  const out: number[] = [];
  let t: Date | null = new Date(from.getTime() - 1000);
  while (out.length < cap && (t = job.nextRun(t)) && t.getTime() < end)
    out.push(Math.round(t.getTime() / 60_000));
  return out;
}

/** Which night a start time belongs to: nights end at `deadline` minutes after midnight UTC. */
export function cycleOf(minute: number, deadline: number): number {
  return Math.floor((minute - deadline) / DAY);
}

/** Minutes from the night's start (the previous deadline) to `minute`. */
export function offsetInCycle(minute: number, deadline: number): number {
  return (((minute - deadline) % DAY) + DAY) % DAY;
}

export function hhmm(minuteOfDay: number): string {
  const m = ((minuteOfDay % DAY) + DAY) % DAY;
  return `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
}

export function parseHhmm(text: string): number {
  const [h, m] = text.split(":").map(Number);
  return h! * 60 + m!;
}

/** "Sun 00:12 UTC (02:12 Europe/Tallinn)" for one start time. */
export function when(minute: number, zone: string | undefined): string {
  const d = new Date(minute * 60_000);
  const day = d.toLocaleDateString("en-GB", { weekday: "short", timeZone: "UTC" });
  const utc = `${day} ${hhmm(d.getUTCHours() * 60 + d.getUTCMinutes())} UTC`;
  if (!zone) return utc;
  const local = d.toLocaleTimeString("en-GB", {
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    timeZone: zone,
  });
  return `${utc} (${local} ${zone})`;
}

/** The schedule in words, in UTC and in the local zone students think in (they confuse the two). */
export function describeSchedule(schedule: string, zone: string | undefined, from: Date): string {
  if (schedule === "@reboot") return "at boot";
  let words: string;
  try {
    words = cronstrue.toString(fiveFields(schedule), { use24HourTimeFormat: true });
  } catch {
    return `"${schedule}" (not a valid schedule)`;
  }
  const first = occurrences(schedule, from, 8, 1)[0];
  if (!zone || first === undefined) return `${words} UTC`;
  return `${words} UTC — next ${when(first, zone)}`;
}
