/**
 * The `cron` check's properties of a schedule (checks/cron.ts reads the jobs and expands their runs): the upload
 * after the dump, the weekly full and nightly incremental rotation, the first upload a full one, everything done by
 * the deadline. Each gives one result with the first offending run, in UTC and the local zone, and what to change.
 */
import type { CronJob } from "./crontab.js";
import { urlsIn } from "./backup-url.js";
import { fail, pass, skip } from "./results.js";
import { cycleOf, hhmm, offsetInCycle, when } from "./schedule.js";
import type { PropertyResult } from "../types.js";
import type { CronSpec } from "../cron.js";

export const DAY = 1440;

export type Kind = "full" | "incremental" | "auto";

export interface Run {
  minute: number;
  job: CronJob;
  kind?: Kind;
}

export type Fix = (p: string, d: string) => string;

export function orderResult(
  spec: CronSpec,
  dumps: Run[],
  uploads: Run[],
  deadline: number,
  zone: string | undefined,
  fix: Fix,
): PropertyResult {
  const gap = spec.min_gap_minutes ?? 1;
  const expected = `upload ≥ ${gap} min after the dump`;
  const byCycle = new Map<number, number[]>();
  for (const d of dumps) {
    const c = cycleOf(d.minute, deadline);
    byCycle.set(c, [...(byCycle.get(c) ?? []), d.minute]);
  }
  let bad = 0;
  let first: { u: Run; d?: number } | undefined;
  for (const u of uploads) {
    const nightDumps = byCycle.get(cycleOf(u.minute, deadline));
    if (!nightDumps) continue; // no dump that night: the upload sends the last one
    const before = nightDumps.filter((d) => d <= u.minute);
    const latest = before.length ? Math.max(...before) : undefined;
    if (latest === undefined || u.minute - latest < gap) {
      bad++;
      first ??= { u, d: latest ?? Math.min(...nightDumps) };
    }
  }
  if (!first) return pass("order", expected, "ok");
  const { u, d } = first;
  const problem =
    d === u.minute
      ? `the ${spec.service} upload starts at ${when(u.minute, zone)}, the same minute as the dump`
      : d! > u.minute
        ? `the ${spec.service} upload starts at ${when(u.minute, zone)}, before the dump at ${hhmm(d! % DAY)} UTC`
        : `the ${spec.service} upload starts only ${u.minute - d!} min after the dump at ${hhmm(d! % DAY)} UTC`;
  return fail(
    "order",
    expected,
    `${bad} upload(s) too early`,
    problem,
    fix(
      "order",
      `start the upload at least ${gap} min after the dump has finished (e.g. dump 00:00, upload 00:15)`,
    ),
  );
}

export function rotationResults(
  spec: CronSpec,
  uploads: Run[],
  startCycle: number,
  endCycle: number,
  deadline: number,
  fullEvery: number,
  zone: string | undefined,
  fix: Fix,
): PropertyResult[] {
  const kinds = new Map<number, Set<Kind>>();
  for (const u of uploads) {
    const c = cycleOf(u.minute, deadline);
    if (c < startCycle || c > endCycle) continue;
    kinds.set(c, (kinds.get(c) ?? new Set()).add(u.kind!));
  }
  const out: PropertyResult[] = [];
  // A plain `duplicity SRC URL` with --full-if-older-than makes its own fulls.
  const autoFull = uploads.some((u) => u.kind === "auto" && /--full-if-older-than\s+\S+/.test(u.job.command));
  const fullCycles = [...kinds.entries()]
    .filter(([, k]) => k.has("full") || (autoFull && k.has("auto")))
    .map(([c]) => c)
    .sort((a, b) => a - b);
  let longest = fullCycles.length ? fullCycles[0]! - startCycle + 1 : Infinity;
  for (let i = 1; i < fullCycles.length; i++)
    longest = Math.max(longest, fullCycles[i]! - fullCycles[i - 1]!);
  if (fullCycles.length) longest = Math.max(longest, endCycle - fullCycles[fullCycles.length - 1]!);
  const expected = `a full backup at least every ${fullEvery} days`;
  if (!fullCycles.length)
    out.push(
      fail(
        "full",
        expected,
        "no full backups",
        `no ${spec.service} upload makes a full backup (every one is incremental)`,
        fix("full", "schedule `duplicity full` once a week and `incremental` on the other days"),
      ),
    );
  else if (longest > fullEvery)
    out.push(
      fail(
        "full",
        expected,
        `${longest} days apart`,
        `${spec.service} full backups are up to ${longest} days apart`,
        fix("full", `run a full backup at least every ${fullEvery} days`),
      ),
    );
  else out.push(pass("full", expected, `every ${longest} days or less`));

  const missing: number[] = [];
  for (let c = startCycle; c <= endCycle; c++) if (!kinds.has(c)) missing.push(c);
  const night = (c: number) => when((c + 1) * DAY + deadline - 1, zone).replace(/ \d\d:\d\d UTC.*$/, "");
  out.push(
    missing.length
      ? fail(
          "daily",
          "an upload every night",
          `${missing.length} night(s) without`,
          `no ${spec.service} upload on the night before ${night(missing[0]!)}`,
          fix("daily", "upload every day (incremental on the days without a full)"),
        )
      : pass("daily", "an upload every night", "every night"),
  );
  const both = [...kinds.entries()].find(([, k]) => k.has("full") && k.has("incremental"));
  out.push(
    both
      ? fail(
          "not_both",
          "full or incremental, not both",
          "both",
          `the night before ${night(both[0])} runs both a full and an incremental ${spec.service} backup`,
          fix("not_both", "exclude the full backup's day from the incremental schedule (e.g. 0 and 1-6)"),
        )
      : pass("not_both", "full or incremental, not both", "never both"),
  );
  return out;
}

export function firstRunResult(
  uploads: Run[],
  targets: Map<string, string>,
  zone: string | undefined,
  fix: Fix,
): PropertyResult {
  const next = uploads[0];
  if (!next) return skip("first_run", "the first upload is full", "no upload is scheduled");
  if (next.kind !== "incremental")
    return pass("first_run", "the first upload is full", `${next.kind} at ${when(next.minute, zone)}`);
  const url = urlsIn(next.job.command)[0];
  const state = url ? targets.get(url) : undefined;
  if (state === "full")
    return pass("first_run", "the first upload is full", `a full backup already exists in ${url}`);
  return fail(
    "first_run",
    "the first upload is full",
    `incremental at ${when(next.minute, zone)}`,
    `the next upload (${when(next.minute, zone)}) is incremental and ${url ?? "the target"} ${state === "unknown" ? "could not be listed" : "holds no full backup yet"}`,
    fix(
      "first_run",
      `run the full backup command once by hand as backup: ${uploads.find((u) => u.kind === "full")?.job.command ?? "duplicity full …"}`,
    ),
  );
}

export function deadlineResult(
  spec: CronSpec,
  runs: Run[],
  deadline: number,
  zone: string | undefined,
  fix: Fix,
): PropertyResult {
  const windowMin = Math.round((spec.window_hours ?? 18) * 60);
  const jobMin = spec.job_minutes ?? 5;
  const expected = `done by ${hhmm(deadline)} UTC`;
  const late = runs.find((r) => {
    const off = offsetInCycle(r.minute, deadline);
    return off < DAY - windowMin || off + jobMin > DAY;
  });
  if (!late)
    return pass(
      "deadline",
      expected,
      `last start ${hhmm(Math.max(...runs.map((r) => offsetInCycle(r.minute, deadline))) + deadline)} UTC`,
    );
  const localDeadline = zone
    ? ` (${when(Math.floor(late.minute / DAY) * DAY + deadline, zone).replace(/^.*\((\d\d:\d\d) .*$/, "$1")} ${zone})`
    : "";
  const off = offsetInCycle(late.minute, deadline);
  const problem =
    off + jobMin > DAY
      ? `${late.job.file}:${late.job.line} starts at ${when(late.minute, zone)} and cannot finish by ${hhmm(deadline)} UTC`
      : `${late.job.file}:${late.job.line} runs at ${when(late.minute, zone)}, after the hosts are destroyed at ${hhmm(deadline)} UTC${localDeadline}`;
  return fail(
    "deadline",
    expected,
    when(late.minute, zone),
    problem,
    fix(
      "deadline",
      `schedule it before ${hhmm(deadline - jobMin)} UTC — cron uses the server's clock, which is UTC, not Estonian time`,
    ),
  );
}
