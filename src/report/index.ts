/**
 * Picks the reporter for a run: Ansible's default output, JSON lines (`--json`), or live progress on a terminal
 * (which falls back to the default output when stdout is not one, as piped or logged output should stay plain).
 */
import type { Reporter } from "../engine/events.js";
import { AnsibleDefaultReporter } from "./ansible-default.js";
import { colorEnabled } from "./colors.js";
import type { OutputStream } from "./display.js";
import type { LogSink } from "./log-file.js";
import { JsonLinesReporter } from "./json-lines.js";
import { ProgressReporter } from "./progress.js";

export type ReportFormat = "default" | "json" | "progress";

export interface ReporterOptions {
  format: ReportFormat;
  /** Number of -v given. */
  verbosity: number;
  /** --diff. */
  diff: boolean;
  /** DIFF_CONTEXT (ansible.cfg `[diff] context`). */
  diffContext?: number;
  out?: OutputStream;
  /** Warnings and deprecations, as Ansible sends them to stderr. */
  err?: OutputStream;
  /** Whether `out` is a terminal; read from the stream when not given. */
  isTTY?: boolean;
  /** Terminal width; read from the stream when not given. */
  columns?: number;
  /** Environment deciding colour (ANSIBLE_NOCOLOR, NO_COLOR, ANSIBLE_FORCE_COLOR). */
  env?: NodeJS.ProcessEnv;
  /** Ansible's log_path: displayed lines are appended there too (not with --json, whose events are the record). */
  log?: LogSink;
}

export function createReporter(options: ReporterOptions): Reporter {
  const out = options.out ?? process.stdout;
  const err = options.err ?? process.stderr;
  const isTTY = options.isTTY ?? out.isTTY === true;
  // Ansible sizes banners from the terminal only when stdout is one.
  const columns = isTTY ? (options.columns ?? out.columns) : undefined;
  const color = colorEnabled(isTTY, options.env ?? process.env);
  const common = {
    out,
    err,
    color,
    columns,
    verbosity: options.verbosity,
    diff: options.diff,
    diffContext: options.diffContext,
    ...(options.log ? { log: options.log } : {}),
  };
  switch (options.format) {
    case "json":
      return new JsonLinesReporter({ out, verbosity: options.verbosity });
    case "progress":
      // listr2 draws within the terminal's width; a terminal that reports none (a bare pty) gets plain lines.
      return isTTY && (options.columns ?? out.columns ?? 0) > 0
        ? new ProgressReporter(common)
        : new AnsibleDefaultReporter(common);
    case "default":
      return new AnsibleDefaultReporter(common);
  }
}

export { AnsibleDefaultReporter } from "./ansible-default.js";
export { JsonLinesReporter } from "./json-lines.js";
export { ProgressReporter } from "./progress.js";
export { NO_LOG_MESSAGE, censorNoLog } from "./no-log.js";
export type { OutputStream } from "./display.js";
export { openLogFile, type LogFile, type LogSink } from "./log-file.js";
