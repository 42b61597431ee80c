/**
 * Ansible 2.14's default stdout callback (`plugins/callback/default.py`), rebuilt over the engine's events: the same
 * banners, per-host lines, `=> {json}` dumps, diffs, warnings, recap and colours, byte for byte, so that people and
 * graders who know Ansible's output read ours the same way. Warnings and deprecations go to stderr as in Ansible.
 */
import { basename } from "node:path";
import type { EngineEvent, HostResult, RecapCounts, Reporter, TaskInfo } from "../engine/events.js";
import { COLOR } from "./colors.js";
import { type Deprecation, Display, type DisplayOptions } from "./display.js";
import { recapLine, sortedHosts } from "./recap.js";
import { cleanResult, dumpResult, isDebugAction, isIncludeAction } from "./result-view.js";
import { formatDiff } from "./unified-diff.js";

export interface AnsibleDefaultOptions extends DisplayOptions {
  /** Whether --diff is on: results' own `diff` fields are shown only then (HostResult.diff always is). */
  diff: boolean;
  /** Lines of context in diffs (DIFF_CONTEXT). */
  diffContext?: number;
  /** The callback's display_ok_hosts / display_skipped_hosts options (both on by default). */
  displayOkHosts?: boolean;
  displaySkippedHosts?: boolean;
}

type Json = Record<string, unknown>;

const taskKey = (task: TaskInfo): string => `${task.handler ? "H" : "T"}\0${task.path}\0${task.name}`;

export class AnsibleDefaultReporter implements Reporter {
  readonly display: Display;
  private readonly showOk: boolean;
  private readonly showSkipped: boolean;
  /** The task whose banner was printed last; results of another task print its banner first. */
  private lastBanner: string | undefined;

  constructor(private readonly options: AnsibleDefaultOptions) {
    this.display = new Display(options);
    this.showOk = options.displayOkHosts ?? true;
    this.showSkipped = options.displaySkippedHosts ?? true;
  }

  emit(event: EngineEvent): void {
    const d = this.display;
    switch (event.type) {
      case "playbook_start":
        if (d.verbosity > 1) d.banner(`PLAYBOOK: ${basename(event.file)}`);
        return;
      case "play_start":
        this.lastBanner = undefined;
        d.banner(event.name.trim() ? `PLAY [${event.name.trim()}]` : "PLAY");
        return;
      case "no_hosts":
        d.display("skipping: no hosts matched", COLOR.skip);
        return;
      case "task_start":
        // With ok or skipped hosts hidden, the banner waits until a result is actually shown.
        if (this.showOk && this.showSkipped) this.taskBanner(event.task);
        return;
      case "host_result":
        this.hostResult(event.task, event.result);
        return;
      case "included":
        // Ansible's v2_playbook_on_include: the include task's banner, then one cyan line naming the file.
        this.bannerOnce(event.task);
        d.display(`included: ${event.file} for ${event.hosts.join(", ")}`, COLOR.skip);
        return;
      case "handler_notified":
        if (d.verbosity > 1) d.display(`NOTIFIED HANDLER ${event.handler} for ${event.host}`, COLOR.verbose);
        return;
      case "warning":
        d.warning(event.message);
        return;
      case "deprecation":
        d.deprecation({ msg: event.message });
        return;
      case "verbose":
        d.verbose(event.message, event.level, event.host);
        return;
      case "no_more_hosts":
        d.banner("NO MORE HOSTS LEFT");
        return;
      case "recap":
        this.recap(event.hosts);
        return;
      case "playbook_end":
        return;
    }
  }

  close(): void {}

  private taskBanner(task: TaskInfo): void {
    const prefix = task.handler ? "RUNNING HANDLER" : "TASK";
    this.display.banner(`${prefix} [${task.name.trim()}]`);
    if (this.display.verbosity >= 2) this.taskPath(task);
    this.lastBanner = taskKey(task);
  }

  private taskPath(task: TaskInfo): void {
    if (task.path) this.display.display(`task path: ${task.path}`, COLOR.debug);
  }

  private bannerOnce(task: TaskInfo): void {
    if (this.lastBanner !== taskKey(task)) this.taskBanner(task);
  }

  private hostResult(task: TaskInfo, hr: HostResult): void {
    const result = cleanResult(hr.result, task.action);
    // debug always shows what it was asked to show (unless no_log hid it); `verbosity:` on a debug task raises that
    // bar.
    const debugShown = isDebugAction(task.action) && hr.status === "ok" && !("censored" in hr.result);
    const verboseAlways =
      result._ansible_verbose_always === true ||
      (hr.verbosity !== undefined ? this.display.verbosity >= hr.verbosity : debugShown);
    if (verboseAlways) result._ansible_verbose_always = true;
    const view = { task, hr, result, label: hostLabel(hr) };
    if (hr.itemLabel !== undefined && !hr.loopSummary) this.itemResult(view);
    else if (hr.status === "failed") this.failed(view);
    else if (hr.status === "unreachable") this.unreachable(view);
    else if (hr.status === "skipped") this.skipped(view);
    else this.ok(view);
  }

  private isVerbose(result: Json): boolean {
    return (
      (this.display.verbosity > 0 || result._ansible_verbose_always === true) &&
      result._ansible_verbose_override !== true
    );
  }

  private dump(result: Json): string {
    return dumpResult(result, this.display.verbosity);
  }

  /** A loop's final result carries its items' results, already shown one by one (checked before any cleaning). */
  private static itemsShown(hr: HostResult): boolean {
    return hr.loopSummary === true && "results" in hr.result;
  }

  private failed({ task, hr, result, label }: ResultView): void {
    this.bannerOnce(task);
    this.exception(result);
    this.warnings(result);
    if (!AnsibleDefaultReporter.itemsShown(hr)) {
      this.display.display(`fatal: [${label}]: FAILED! => ${this.dump(result)}`, COLOR.error);
    }
    if (hr.ignored) this.display.display("...ignoring", COLOR.skip);
  }

  private unreachable({ task, hr, result, label }: ResultView): void {
    this.bannerOnce(task);
    this.display.display(`fatal: [${label}]: UNREACHABLE! => ${this.dump(result)}`, COLOR.unreachable);
    if (hr.ignored) this.display.display("...ignoring", COLOR.skip);
  }

  private skipped({ task, hr, result }: ResultView): void {
    if (!this.showSkipped) return;
    this.bannerOnce(task);
    let msg = `skipping: [${hr.host}]`;
    if (this.isVerbose(result)) msg += ` => ${this.dump(withoutResults(hr, result))}`;
    this.display.display(msg, COLOR.skip);
  }

  private ok({ task, hr, result, label }: ResultView): void {
    const changed = hr.status === "changed" || result.changed === true;
    if (!hr.loopSummary) this.fileDiff(task, hr, result, changed);
    if (isIncludeAction(task.action)) {
      this.bannerOnce(task);
      return;
    }
    if (!changed && !this.showOk) return;
    this.bannerOnce(task);
    this.warnings(result);
    if (AnsibleDefaultReporter.itemsShown(hr)) return;
    let msg = changed ? `changed: [${label}]` : `ok: [${label}]`;
    if (this.isVerbose(result)) msg += ` => ${this.dump(result)}`;
    this.display.display(msg, changed ? COLOR.changed : COLOR.ok);
  }

  private itemResult({ task, hr, result, label }: ResultView): void {
    const item = `(item=${hr.itemLabel})`;
    if (hr.status === "failed" || hr.status === "unreachable") {
      this.bannerOnce(task);
      this.exception(result);
      this.warnings(result);
      this.display.display(`failed: [${label}] ${item} => ${this.dump(result)}`, COLOR.error);
      return;
    }
    if (hr.status === "skipped") {
      if (!this.showSkipped) return;
      this.bannerOnce(task);
      // Ansible leaves a space after the item here, and so a double one before a verbose dump.
      let msg = `skipping: [${hr.host}] => ${item} `;
      if (this.isVerbose(result)) msg += ` => ${this.dump(result)}`;
      this.display.display(msg, COLOR.skip);
      return;
    }
    const changed = hr.status === "changed" || result.changed === true;
    this.fileDiff(task, hr, result, changed);
    if (isIncludeAction(task.action)) return;
    if (!changed && !this.showOk) return;
    this.bannerOnce(task);
    let msg = `${changed ? "changed" : "ok"}: [${label}] => ${item}`;
    if (this.isVerbose(result)) msg += ` => ${this.dump(result)}`;
    this.display.display(msg, changed ? COLOR.changed : COLOR.ok);
  }

  /** The diff of a changed result, shown before its line (v2_on_file_diff). */
  private fileDiff(task: TaskInfo, hr: HostResult, result: Json, changed: boolean): void {
    const diff = hr.diff ?? (this.options.diff ? result.diff : undefined);
    if (!changed || !diff || (Array.isArray(diff) && diff.length === 0)) return;
    const text = formatDiff(diff, { context: this.options.diffContext, color: this.display.color });
    if (!text) return;
    this.bannerOnce(task);
    this.display.display(text);
  }

  /** `_handle_exception`: the last line of a module's traceback, or all of it at -vvv. */
  private exception(result: Json): void {
    if (!("exception" in result)) return;
    const exception = String(result.exception);
    if (this.display.verbosity < 3) {
      const error = exception.trim().split("\n").pop() ?? "";
      this.display.display(
        `An exception occurred during task execution. To see the full traceback, use -vvv. The error was: ${error}`,
        COLOR.error,
      );
    } else {
      this.display.display(`The full traceback is:\n${exception}`, COLOR.error);
      delete result.exception;
    }
  }

  /** `_handle_warnings`: a result's warnings and deprecations are shown, then left out of its dump. */
  private warnings(result: Json): void {
    if (Array.isArray(result.warnings) && result.warnings.length > 0) {
      for (const warning of result.warnings) this.display.warning(String(warning));
      delete result.warnings;
    }
    if (Array.isArray(result.deprecations) && result.deprecations.length > 0) {
      for (const dep of result.deprecations) this.display.deprecation(asDeprecation(dep));
      delete result.deprecations;
    }
  }

  private recap(hosts: Record<string, RecapCounts>): void {
    this.display.banner("PLAY RECAP");
    for (const host of sortedHosts(hosts))
      this.display.display(recapLine(host, hosts[host]!, this.display.color));
    this.display.display("");
  }
}

interface ResultView {
  task: TaskInfo;
  hr: HostResult;
  result: Json;
  label: string;
}

/** `host -> delegate` as Ansible's host_label (the delegate may carry its address: `h2(10.0.0.2)`). */
function hostLabel(hr: HostResult): string {
  return hr.delegatedTo && hr.delegatedTo !== hr.host ? `${hr.host} -> ${hr.delegatedTo}` : hr.host;
}

/** A skipped loop's summary is printed without the per-item results (`_process_items`). */
function withoutResults(hr: HostResult, result: Json): Json {
  if (!hr.loopSummary || !("results" in result)) return result;
  const { results: _results, ...rest } = result;
  return rest;
}

function asDeprecation(dep: unknown): Deprecation {
  if (dep && typeof dep === "object" && "msg" in dep) {
    const d = dep as Record<string, unknown>;
    return {
      msg: String(d.msg),
      version: d.version === undefined || d.version === null ? undefined : String(d.version),
      date: d.date === undefined || d.date === null ? undefined : String(d.date),
      collection_name: typeof d.collection_name === "string" ? d.collection_name : undefined,
    };
  }
  return { msg: String(dep) };
}
