/**
 * One task on one host, as Ansible's TaskExecutor: loop items, `when` (per item), argument templating and `omit`,
 * argument validation, check/diff mode, become, delegate_to, the module call, `until`/`retries`, `register`,
 * `changed_when`/`failed_when`, `ignore_errors`, `notify` and `no_log`. Reports each item and the task's outcome.
 */
import { InfraError } from "../util/errors.js";
import { checkArgs } from "../modules/run.js";
import { ModuleFailure } from "../modules/util/failure.js";
import { getModule } from "../modules/registry.js";
import type { Module, ModuleContext, ModuleResult } from "../modules/types.js";
import type { Task } from "../playbook/types.js";
import { OMIT, type Templar } from "../template/templar.js";
import { UnreachableError } from "../transport/errors.js";
import type { Vars } from "../inventory/model.js";
import { becomeFor } from "./connect.js";
import { evaluateCondition } from "./conditions.js";
import { warmPlayHelpers } from "./warm-helpers.js";
import type { RunContext } from "./context.js";
import type { HostStatus, TaskInfo } from "./events.js";
import type { HostState } from "./host-state.js";
import { loopItems } from "./loops.js";
import type { PlayState } from "./play-state.js";
import { toBool } from "./truth.js";
import { makeTemplar, taskVars } from "./variables.js";
import { findControllerFile } from "./files.js";
import {
  censored,
  diffsOf,
  errorOutcome,
  finish,
  hostResult,
  showsDiff,
  unreachableMessage,
  type Scope,
  type TaskOutcome,
} from "./task-outcome.js";
import { confirmReachable, connectionFor, controllerOnlyConnection } from "./task-connection.js";

// play-runner.ts reads these with runTaskOnHost.
export { hostResult, unreachableMessage, type TaskOutcome };

export async function runTaskOnHost(
  run: RunContext,
  play: PlayState,
  host: HostState,
  task: Task,
  info: TaskInfo,
): Promise<TaskOutcome> {
  const scope: Scope = { run, play, host, task, info };
  const vars = taskVars({ run, play, host, task });
  const templar = makeTemplar({ run, play, host, task }, vars);
  const noLog = toBool(safeTemplate(templar, task.effective.no_log ?? false));

  let outcome: TaskOutcome;
  let items: unknown[] | undefined;
  try {
    items = loopItems(task, templar);
  } catch (e) {
    outcome = errorOutcome(e, task);
    return finish(scope, templar, outcome, noLog);
  }
  if (items === undefined) {
    outcome = await runOnce(scope, templar, vars);
  } else if (items.length === 0) {
    outcome = {
      status: "skipped",
      ignored: false,
      result: { changed: false, skipped: true, skipped_reason: "No items in the list", results: [] },
    };
  } else {
    outcome = await runLoop(scope, templar, vars, items, noLog);
  }
  return finish(scope, templar, outcome, noLog);
}

function safeTemplate(t: Templar, v: unknown): unknown {
  return typeof v === "string" ? t.template(v) : v;
}

async function runLoop(
  scope: Scope,
  templar: Templar,
  vars: Vars,
  items: unknown[],
  noLog: boolean,
): Promise<TaskOutcome> {
  const lc = scope.task.loopControl;
  const loopVar = lc?.loop_var ?? "item";
  const results: ModuleResult[] = [];
  let changed = false;
  let failed = false;
  for (const [i, item] of items.entries()) {
    const itemVars: Vars = { [loopVar]: item, ansible_loop_var: loopVar };
    if (lc?.index_var) Object.assign(itemVars, { [lc.index_var]: i, ansible_index_var: lc.index_var });
    if (lc?.extended !== undefined && toBool(templar.template(lc.extended))) {
      itemVars.ansible_loop = {
        index: i + 1,
        index0: i,
        revindex: items.length - i,
        revindex0: items.length - i - 1,
        first: i === 0,
        last: i === items.length - 1,
        length: items.length,
        previtem: i > 0 ? items[i - 1] : undefined,
        nextitem: i < items.length - 1 ? items[i + 1] : undefined,
        allitems: items,
      };
    }
    const t = templar.withVars(itemVars);
    const one = await runOnce(scope, t, { ...vars, ...itemVars });
    const r: ModuleResult = { ...one.result, [loopVar]: item, ansible_loop_var: loopVar };
    if (lc?.index_var) r[lc.index_var] = i;
    results.push(r);
    changed ||= !!r.changed;
    failed ||= one.status === "failed";
    const label = noLog ? "None" : itemLabel(t, lc?.label, item);
    scope.run.emit({
      type: "host_result",
      task: scope.info,
      result: hostResult(scope.host.name, one.status, noLog ? censored(r) : r, {
        itemLabel: label,
        // A no_log item's diff would show what no_log hides: Ansible's callback sees only the censored result.
        diff: !noLog && showsDiff(scope, t) ? diffsOf(r) : undefined,
      }),
    });
    if (one.status === "unreachable") return one;
    if (lc?.pause) await new Promise((res) => setTimeout(res, Number(templar.template(lc.pause)) * 1000));
  }
  const result: ModuleResult = {
    changed,
    results,
    msg: failed ? "One or more items failed" : "All items completed",
  };
  if (failed) result.failed = true;
  const allSkipped = results.every((r) => r.skipped);
  if (allSkipped) result.skipped = true;
  return {
    status: failed ? "failed" : allSkipped ? "skipped" : changed ? "changed" : "ok",
    result,
    ignored: false,
  };
}

function itemLabel(t: Templar, label: unknown, item: unknown): string {
  const v = label !== undefined ? t.template(label) : item;
  return typeof v === "string" ? v : pyRepr(v);
}

/** Python's repr-ish rendering Ansible uses for item labels (`{'key': 'a', 'value': 1}`). */
export function pyRepr(v: unknown): string {
  if (v === null || v === undefined) return "None";
  if (typeof v === "boolean") return v ? "True" : "False";
  if (typeof v === "string") return `'${v.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
  if (typeof v === "number") return String(v);
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(", ")}]`;
  if (typeof v === "object")
    return `{${Object.entries(v)
      .map(([k, x]) => `${pyRepr(k)}: ${pyRepr(x)}`)
      .join(", ")}}`;
  return String(v);
}

async function runOnce(scope: Scope, templar: Templar, vars: Vars): Promise<TaskOutcome> {
  const { run, task } = scope;
  const kw = task.effective;
  try {
    for (const cond of kw.when) {
      if (!evaluateCondition(templar, cond, task)) {
        return {
          status: "skipped",
          ignored: false,
          result: {
            changed: false,
            skipped: true,
            skip_reason: "Conditional result was False",
            false_condition: String(cond),
          },
        };
      }
    }
    const module = getModule(task.action);
    if (!module)
      throw new InfraError(
        `couldn't resolve module/action '${task.actionWritten}'. This often indicates a misspelling, missing collection, or incorrect module path.`,
        { location: task.location },
      );
    const rawArgs = templar.template(task.args, { location: task.argsLocation }) as Record<string, unknown>;
    const args = checkArgs(module, task.actionWritten, dropOmitted(rawArgs));
    const check = kw.check_mode !== undefined ? toBool(templar.template(kw.check_mode)) : run.options.check;
    const diff = kw.diff !== undefined ? toBool(templar.template(kw.diff)) : run.options.diff;
    if (check && !module.checkMode) {
      return {
        status: "skipped",
        ignored: false,
        result: {
          changed: false,
          skipped: true,
          msg: `remote module (${module.name}) does not support check mode`,
        },
      };
    }
    return await attempt(scope, templar, vars, module, args, check, diff);
  } catch (e) {
    if (e instanceof UnreachableError) {
      const outcome: TaskOutcome & { delegatedTo?: string } = {
        status: "unreachable",
        ignored: false,
        result: { changed: false, unreachable: true, msg: unreachableMessage(e) },
      };
      // The host that went away was the delegate: say so (`[web1 -> backup]`), as Ansible does.
      if (task.effective.delegate_to !== undefined && e.host !== scope.host.name)
        outcome.delegatedTo = e.host;
      return outcome;
    }
    return errorOutcome(e, task);
  }
}

function dropOmitted(args: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(args)) if (v !== OMIT) out[k] = v;
  return out;
}

const ACCOUNT_MODULES = new Set(["user", "group"]);

async function attempt(
  scope: Scope,
  templar: Templar,
  vars: Vars,
  module: Module,
  args: Record<string, unknown>,
  check: boolean,
  diff: boolean,
): Promise<TaskOutcome> {
  const { run, task, host } = scope;
  const kw = task.effective;
  const target = module.controllerOnly ? undefined : await connectionFor(scope, templar, vars);
  const become = becomeFor(target?.templar ?? templar, (k) => k in (target?.vars ?? vars), kw, run.options);
  if (target && !target.delegatedTo)
    warmPlayHelpers(scope.play, host.name, target.conn, target.templar, (k) => k in target.vars);
  const environment: Record<string, string> = {};
  for (const env of kw.environment) {
    const e = templar.template(env);
    if (e && typeof e === "object") for (const [k, v] of Object.entries(e)) environment[k] = String(v);
  }
  const ctx: ModuleContext = {
    host: host.name,
    conn: target?.conn ?? controllerOnlyConnection(host.name),
    ...(become ? { become } : {}),
    check,
    diff,
    templar,
    vars,
    findFile: (kind, name) => findControllerFile(kind, name, task, scope.play.play.baseDir),
    environment,
    verbosity: run.options.verbosity,
    warn: (m) => run.warn(m),
  };
  const retries = task.until.length ? Math.max(0, Number(templar.template(task.retries ?? 3))) : 0;
  const delay = Number(templar.template(task.delay ?? 5));
  let result: ModuleResult = { changed: false };
  for (let n = 0; n <= retries; n++) {
    try {
      result = await runModule(module, args, ctx);
      // A changed account (home, groups) is seen by the next sudo, not by a helper started before the change.
      if (target && result.changed && !check && ACCOUNT_MODULES.has(module.name))
        target.conn.refreshBecome?.();
    } catch (e) {
      if (target && !(e instanceof UnreachableError)) await confirmReachable(target.conn);
      throw e;
    }
    if (result.failed && target) await confirmReachable(target.conn);
    if (target?.delegatedTo) result._ansible_delegated_vars = { ansible_host: target.delegatedTo };
    result = applyResultConditions(task, templar, result);
    if (!task.until.length) break;
    result.attempts = n + 1;
    const t = task.register ? templar.withVars({ [task.register]: result }) : templar;
    if (task.until.every((c) => evaluateCondition(t, c, task))) break;
    if (n === retries) {
      result.failed = true;
      result.msg ??= "Retries exhausted";
      break;
    }
    await new Promise((res) => setTimeout(res, delay * 1000));
  }
  const status: HostStatus = result.failed
    ? "failed"
    : result.skipped
      ? "skipped"
      : result.changed
        ? "changed"
        : "ok";
  const outcome: TaskOutcome = { status, result, ignored: false };
  if (target?.delegatedTo)
    (outcome as TaskOutcome & { delegatedTo?: string }).delegatedTo = target.delegatedTo;
  return outcome;
}

/** changed_when / failed_when, evaluated with the result registered under its name (as Ansible does). */
function applyResultConditions(task: Task, templar: Templar, result: ModuleResult): ModuleResult {
  if (!task.changed_when.length && !task.failed_when.length) return result;
  const t = templar.withVars({ ...(task.register ? { [task.register]: result } : {}), ...result });
  const out = { ...result };
  if (task.changed_when.length) out.changed = task.changed_when.every((c) => evaluateCondition(t, c, task));
  if (task.failed_when.length) {
    const failed = task.failed_when.some((c) => evaluateCondition(t, c, task));
    out.failed_when_result = failed;
    if (failed) out.failed = true;
    else delete out.failed;
  }
  return out;
}

/** The module's own failure (ModuleFailure) becomes Ansible's failed result with the module's fields. */
async function runModule(
  module: Module,
  args: Record<string, unknown>,
  ctx: ModuleContext,
): Promise<ModuleResult> {
  try {
    return await module.run(args, ctx);
  } catch (e) {
    if (e instanceof ModuleFailure) return { changed: false, ...e.fields, failed: true, msg: e.message };
    throw e;
  }
}
