/**
 * `cron`: the backup jobs of one service in /etc/cron.d, read with Debian's rules. Finds the dump and upload
 * jobs by their commands and checks, over the next weeks of "nights" (which end at the deadline, UTC): the upload
 * starts at least a gap after the dump, a full backup at least weekly and an upload every night but never a full
 * and an incremental on the same night, the first upload is a full one (unless the target already holds one), and
 * every job finishes by the deadline. Schedules are described in words in UTC and in the local zone.
 */
import {
  fileProblems,
  parseCronFile,
  unescapedPercent,
  VALID_NAME,
  type CronFile,
  type CronJob,
} from "./lib/crontab.js";
import { fail, fixFor, pass, skip } from "./lib/results.js";
import { decode64, probeLines } from "./lib/probe-output.js";
import { listTargetsScript } from "./lib/backup-url.js";
import { shellQuote } from "./lib/shell.js";
import { cycleOf, describeSchedule, occurrences, parseHhmm, scheduleError } from "./lib/schedule.js";
import type { CheckContext, ProbeCheck, PropertyResult } from "./types.js";
import {
  deadlineResult,
  firstRunResult,
  orderResult,
  rotationResults,
  type Kind,
  type Run,
} from "./lib/cron-properties.js";

export interface CronSpec {
  /** Service name for messages ("MySQL"). */
  service: string;
  /** Regular expression that finds the dump job's command. */
  dump: string;
  /** Regular expression that finds the upload jobs' commands. */
  upload: string;
  user?: string;
  /** The file name the jobs must be in (/etc/cron.d/<file>). */
  file?: string;
  min_gap_minutes?: number;
  /** Everything must have finished by this time, UTC ("01:00"). */
  deadline?: string;
  /** Jobs may start at most this many hours before the deadline (the hosts are off in between). */
  window_hours?: number;
  /** How long a job is assumed to run, for the deadline. */
  job_minutes?: number;
  full_every_days?: number;
  local_zone?: string;
  fix?: string | Record<string, string>;
}

export function uploadKind(command: string): Kind {
  // Duplicity's action is a word of its own (`--full-if-older-than` is not one).
  if (/(^|\s)full(\s|$)/.test(command)) return "full";
  if (/(^|\s)(incremental|incr)(\s|$)/.test(command)) return "incremental";
  return "auto";
}

export const cronCheck: ProbeCheck<CronSpec> = {
  kind: "probe",
  name: "cron",
  schema: {
    type: "object",
    required: ["service", "dump", "upload"],
    additionalProperties: false,
    properties: {
      service: { type: "string" },
      dump: { type: "string", minLength: 1 },
      upload: { type: "string", minLength: 1 },
      user: { type: "string" },
      file: { type: "string", pattern: "^[^/]+$", description: "a file name in /etc/cron.d, without a /" },
      min_gap_minutes: { type: "integer", minimum: 0 },
      deadline: {
        type: "string",
        pattern: "^([01][0-9]|2[0-3]):[0-5][0-9]$",
        description: 'a time of day HH:MM in UTC, 00:00 to 23:59, such as "01:00"',
      },
      window_hours: { type: "number", exclusiveMinimum: 0, maximum: 24 },
      job_minutes: { type: "integer", minimum: 0 },
      full_every_days: { type: "integer", minimum: 1 },
      local_zone: { type: "string" },
      fix: { type: ["string", "object"], additionalProperties: { type: "string" } },
    },
  },
  describe: (s) => `cron jobs of ${s.service}${s.file ? ` (/etc/cron.d/${s.file})` : ""}`,

  probe(spec) {
    return [
      `echo "now|$(date +%s)"`,
      `printf 'users|%s\\n' "$(cut -d: -f1 /etc/passwd | tr '\\n' ' ')"`,
      `for f in /etc/cron.d/* /etc/cron.d/.[!.]*; do [ -f "$f" ] || continue`,
      `  printf 'file|%s|%s|' "$f" "$(stat -L -c '%U|%a' -- "$f")"; head -c 262144 -- "$f" | base64 -w0; echo`,
      `done`,
      listTargetsScript(spec.user ?? "backup", shellQuote),
    ].join("\n");
  },

  evaluate(spec, output, ctx) {
    const lines = probeLines(output);
    const files: CronFile[] = lines
      .filter((l) => l.key === "file")
      .map((l) =>
        parseCronFile(l.fields[0]!, l.fields[1]!, parseInt(l.fields[2]!, 8), decode64(l.fields[3])),
      );
    const users = new Set(
      (lines.find((l) => l.key === "users")?.fields[0] ?? "").split(/\s+/).filter(Boolean),
    );
    const targets = new Map(lines.filter((l) => l.key === "target").map((l) => [l.fields[0]!, l.fields[1]!]));
    return evaluateCron(spec, files, users, targets, ctx);
  },
};

/** The analysis on parsed files, apart from the probe so tests can feed it crontabs directly. */
export function evaluateCron(
  spec: CronSpec,
  files: CronFile[],
  users: Set<string>,
  targets: Map<string, string>,
  ctx: CheckContext,
): PropertyResult[] {
  const fix = (p: string, d: string) => fixFor(spec.fix, p, d);
  const user = spec.user ?? "backup";
  const zone = spec.local_zone ?? ctx.vars.local_zone;
  const dumpRe = new RegExp(spec.dump);
  const uploadRe = new RegExp(spec.upload);
  const all = files.flatMap((f) => f.jobs);
  // Jobs are found by their text after the schedule, so a line without its user field is found too (and flagged).
  const text = (j: CronJob) => `${j.user} ${j.command}`;
  const dumps = all.filter((j) => dumpRe.test(text(j)));
  const uploads = all.filter((j) => uploadRe.test(text(j)) && !dumpRe.test(text(j)));
  // A job that dumps and then uploads in one command line is ordered by the shell itself.
  const chained = all.filter((j) => dumpRe.test(text(j)) && uploadRe.test(text(j)));
  const out: PropertyResult[] = [];
  const rest = [
    "file_name",
    "file_owner",
    "file_mode",
    "newline",
    "user_field",
    "percent",
    "schedule",
    "order",
    "full",
    "daily",
    "not_both",
    "first_run",
    "deadline",
  ];

  if (!dumps.length || !(uploads.length || chained.length)) {
    const missing = !dumps.length
      ? `dumps ${spec.service} (/${spec.dump}/)`
      : `uploads the ${spec.service} dump (/${spec.upload}/)`;
    out.push(
      fail(
        "jobs",
        "dump and upload jobs",
        `${dumps.length} dump, ${uploads.length} upload`,
        `no cron job in /etc/cron.d ${missing}`,
        fix("jobs", `add them to /etc/cron.d/${spec.file ?? "<service>-backup"}`),
      ),
    );
    for (const p of rest) out.push(skip(p, "-", "no jobs to examine"));
    return out;
  }
  const from = ctx.now;
  const describeJob = (j: CronJob) => `${describeSchedule(j.schedule, zone, from)}: ${j.command}`;
  out.push(pass("jobs", "dump and upload jobs", [...dumps, ...uploads].map(describeJob).join("; ")));

  // The files holding the jobs, with Debian's rules.
  const holding = files.filter((f) =>
    f.jobs.some((j) => dumps.includes(j) || uploads.includes(j) || chained.includes(j)),
  );
  const problems = holding.flatMap(fileProblems);
  const names = holding.map((f) => f.path).join(", ");
  const wrongName = spec.file ? holding.filter((f) => f.name !== spec.file && VALID_NAME.test(f.name)) : [];
  const nameProblem = problems.find((p) => p.property === "file_name");
  if (nameProblem)
    out.push(
      fail(
        "file_name",
        spec.file ?? "valid name",
        names,
        nameProblem.problem,
        fix("file_name", nameProblem.fix),
      ),
    );
  else if (wrongName.length)
    out.push(
      fail(
        "file_name",
        spec.file!,
        names,
        `the ${spec.service} jobs are in ${wrongName[0]!.path}`,
        fix("file_name", `the lab asks for /etc/cron.d/${spec.file}`),
      ),
    );
  else out.push(pass("file_name", spec.file ?? "valid name", names));
  for (const prop of ["file_owner", "file_mode", "newline"]) {
    const p = problems.find((x) => x.property === prop);
    out.push(
      p
        ? fail(prop, "cron accepts it", "rejected", p.problem, fix(prop, p.fix))
        : pass(prop, "cron accepts it", "ok"),
    );
  }

  const jobs = [...dumps, ...uploads, ...chained];
  const badUser = jobs.find((j) => j.user !== user);
  if (badUser) {
    const noField = !users.has(badUser.user);
    out.push(
      fail(
        "user_field",
        user,
        badUser.user,
        noField
          ? `${badUser.file}:${badUser.line} has no user field ("${badUser.text}")`
          : `${badUser.file}:${badUser.line} runs as ${badUser.user}`,
        fix(
          "user_field",
          `write "${badUser.schedule}  ${user}  ${noField ? `${badUser.user} ${badUser.command}` : badUser.command}"`,
        ),
      ),
    );
  } else out.push(pass("user_field", user, user));
  const pct = jobs.find((j) => unescapedPercent(j.command));
  out.push(
    pct
      ? fail(
          "percent",
          "no unescaped %",
          pct.command,
          `${pct.file}:${pct.line} has an unescaped %: cron cuts the command there`,
          fix("percent", "write \\% instead of %"),
        )
      : pass("percent", "no unescaped %", "none"),
  );

  const invalid = jobs.map((j) => ({ j, err: scheduleError(j.schedule) })).find((x) => x.err);
  if (invalid) {
    out.push(
      fail(
        "schedule",
        "valid schedules",
        invalid.j.schedule,
        `${invalid.j.file}:${invalid.j.line}: "${invalid.j.schedule}" is not a schedule (${invalid.err})`,
        fix("schedule", "check it with https://crontab.guru"),
      ),
    );
    for (const p of rest.slice(rest.indexOf("order"))) out.push(skip(p, "-", "a schedule is invalid"));
    return out;
  }
  out.push(pass("schedule", "valid schedules", jobs.map((j) => j.schedule).join("; ")));

  const fullEvery = spec.full_every_days ?? 7;
  const days = Math.max(35, fullEvery * 4);
  const deadline = parseHhmm(spec.deadline ?? "01:00");
  const runsOf = (list: CronJob[], kind?: (j: CronJob) => Kind): Run[] =>
    list
      .flatMap((job) =>
        occurrences(job.schedule, from, days).map((minute) => ({ minute, job, kind: kind?.(job) })),
      )
      .sort((a, b) => a.minute - b.minute);
  const dumpRuns = runsOf(dumps);
  const uploadRuns = runsOf([...uploads, ...chained], (j) => uploadKind(text(j)));
  const startCycle = cycleOf(Math.ceil(from.getTime() / 60_000), deadline) + 1;
  const endCycle = startCycle + Math.floor(days) - 2;

  out.push(
    orderResult(
      spec,
      dumpRuns,
      uploadRuns.filter((r) => !chained.includes(r.job)),
      deadline,
      zone,
      fix,
    ),
  );
  out.push(...rotationResults(spec, uploadRuns, startCycle, endCycle, deadline, fullEvery, zone, fix));
  out.push(firstRunResult(uploadRuns, targets, zone, fix));
  out.push(deadlineResult(spec, [...dumpRuns, ...uploadRuns], deadline, zone, fix));
  return out;
}
