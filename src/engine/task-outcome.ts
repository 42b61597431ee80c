/**
 * What a task leaves for one host (task-runner.ts runs it): a failure's message with Ansible's pointer into the
 * playbook, `register`, `ignore_errors`/`ignore_unreachable`, `notify`, facts a module returned, `no_log`'s
 * censoring and the host_result event the reporters show.
 */
import type { FileDiff, ModuleResult } from "../modules/types.js";
import { ModuleArgsError } from "../modules/args.js";
import type { Task } from "../playbook/types.js";
import type { Templar } from "../template/templar.js";
import type { UnreachableError } from "../transport/errors.js";
import { InfraError, formatLocation } from "../util/errors.js";
import type { RunContext } from "./context.js";
import type { HostResult, HostStatus, TaskInfo } from "./events.js";
import { assertHandlerExists } from "./handlers.js";
import type { HostState } from "./host-state.js";
import type { PlayState } from "./play-state.js";
import { toBool } from "./truth.js";

export const NO_LOG_MSG =
  "the output has been hidden due to the fact that 'no_log: true' was specified for this result";

export interface TaskOutcome {
  status: HostStatus;
  result: ModuleResult;
  ignored: boolean;
}

export type Scope = { run: RunContext; play: PlayState; host: HostState; task: Task; info: TaskInfo };

/** The reason a host is unreachable and, when the transport knows one, what to do about it (e.g. a changed key). */
export function unreachableMessage(e: UnreachableError): string {
  return e.hint ? `${e.message}. ${e.hint}` : e.message;
}

export function failure(msg: string, fields: Record<string, unknown> = {}): TaskOutcome {
  return { status: "failed", ignored: false, result: { changed: false, ...fields, failed: true, msg } };
}

/** A failure before or instead of the module's work: a bad argument keeps the fields Ansible returns with it. */
export function errorOutcome(e: unknown, task: Task): TaskOutcome {
  return failure(errorMessage(e, task), e instanceof ModuleArgsError ? e.fields : {});
}

export function errorMessage(e: unknown, task: Task): string {
  if (e instanceof ModuleArgsError) return `${e.message} (task at ${formatLocation(task.argsLocation)})`;
  if (e instanceof InfraError) {
    const text = e.hint ? `${e.message} ${e.hint}` : e.message;
    return text + whereInPlaybook(e.location ?? task.location);
  }
  return e instanceof Error ? e.message : String(e);
}

/** Ansible's pointer into the playbook for a task that failed before its module ran (templating, arguments). */
function whereInPlaybook(loc: Task["location"] | undefined): string {
  if (!loc?.line) return "";
  return (
    `\n\nThe error appears to be in '${loc.file}': line ${loc.line}, column ${loc.column ?? 1}, but may\n` +
    "be elsewhere in the file depending on the exact syntax problem."
  );
}

export function censored(r: ModuleResult): ModuleResult {
  return {
    censored: NO_LOG_MSG,
    changed: !!r.changed,
    ...(r.failed ? { failed: true } : {}),
    ...(r.skipped ? { skipped: true } : {}),
  };
}

/** Ansible's strategy shows a result's diff when --diff is on or the task itself says `diff: true`. */
export function showsDiff(scope: Scope, templar: Templar): boolean {
  const own = scope.task.effective.diff;
  return scope.run.options.diff || (own !== undefined && toBool(templar.template(own)));
}

export function diffsOf(r: ModuleResult): FileDiff[] | undefined {
  if (!r.diff) return undefined;
  return Array.isArray(r.diff) ? r.diff : [r.diff];
}

export function hostResult(
  host: string,
  status: HostStatus,
  result: ModuleResult,
  extra: Partial<HostResult> = {},
): HostResult {
  return { host, status, result, ...extra };
}

/** Register, ignore_errors, notify, no_log, and the report of the task's outcome for this host. */
export function finish(scope: Scope, templar: Templar, outcome: TaskOutcome, noLog: boolean): TaskOutcome {
  const { run, task, host } = scope;
  const kw = task.effective;
  if (task.register)
    host.setFacts[task.register] = {
      ...outcome.result,
      ...(outcome.status === "failed" ? { failed: true } : {}),
    };
  if (
    outcome.status === "unreachable" &&
    kw.ignore_unreachable !== undefined &&
    toBool(templar.template(kw.ignore_unreachable))
  ) {
    outcome.ignored = true;
  }
  if (
    outcome.status === "failed" &&
    kw.ignore_errors !== undefined &&
    toBool(templar.template(kw.ignore_errors))
  )
    outcome.ignored = true;
  if (outcome.status === "changed" || (outcome.status !== "failed" && outcome.result.changed)) {
    for (const n of kw.notify ?? []) {
      const name = String(templar.template(n));
      assertHandlerExists(name, scope.play.play.handlers, task);
      host.notified.add(name);
      run.emit({ type: "handler_notified", host: host.name, handler: name });
    }
  }
  if (outcome.result.ansible_facts && outcome.status !== "failed") {
    Object.assign(host.setFacts, outcome.result.ansible_facts);
    scope.play.invalidate();
  }
  const shown = noLog ? censored(outcome.result) : outcome.result;
  const delegatedTo = (outcome as TaskOutcome & { delegatedTo?: string }).delegatedTo;
  run.emit({
    type: "host_result",
    task: scope.info,
    result: hostResult(host.name, outcome.status, shown, {
      ignored: outcome.ignored,
      loopSummary: Array.isArray(outcome.result.results) && task.loop !== undefined,
      diff:
        !noLog && task.loop === undefined && showsDiff(scope, templar) ? diffsOf(outcome.result) : undefined,
      ...(delegatedTo ? { delegatedTo } : {}),
      ...(typeof outcome.result._verbosity === "number" ? { verbosity: outcome.result._verbosity } : {}),
    }),
  });
  return outcome;
}
