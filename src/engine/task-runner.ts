/**
 * One task on one host, as Ansible's TaskExecutor: loop items, `when` (per item), argument templating and `omit`,
 * argument validation, check/diff mode, become, delegate_to, the module call, `until`/`retries`, `register`,
 * `changed_when`/`failed_when`, `ignore_errors`, `notify` and `no_log`. Reports each item and the task's outcome.
 */
import { InfraError, formatLocation } from "../util/errors.js";
import { ModuleArgsError } from "../modules/args.js";
import { checkArgs } from "../modules/run.js";
import { ModuleFailure } from "../modules/util/failure.js";
import { getModule } from "../modules/registry.js";
import type { Module, ModuleContext, ModuleResult, FileDiff } from "../modules/types.js";
import type { Task } from "../playbook/types.js";
import { OMIT, type Templar } from "../template/templar.js";
import { UnreachableError } from "../transport/errors.js";
import type { Connection } from "../transport/types.js";
import type { Vars } from "../inventory/model.js";
import { becomeFor, connectionVars } from "./connect.js";
import { evaluateCondition } from "./conditions.js";
import { warmPlayHelpers } from "./warm-helpers.js";
import type { RunContext } from "./context.js";
import type { HostResult, HostStatus, TaskInfo } from "./events.js";
import type { HostState } from "./host-state.js";
import { loopItems } from "./loops.js";
import type { PlayState } from "./play-state.js";
import { toBool } from "./truth.js";
import { makeTemplar, taskVars } from "./variables.js";
import { findControllerFile } from "./files.js";
import { assertHandlerExists } from "./handlers.js";

export const NO_LOG_MSG =
  "the output has been hidden due to the fact that 'no_log: true' was specified for this result";

export interface TaskOutcome {
  status: HostStatus;
  result: ModuleResult;
  ignored: boolean;
}

type Scope = { run: RunContext; play: PlayState; host: HostState; task: Task; info: TaskInfo };

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

/** The reason a host is unreachable and, when the transport knows one, what to do about it (e.g. a changed key). */
export function unreachableMessage(e: UnreachableError): string {
  return e.hint ? `${e.message}. ${e.hint}` : e.message;
}

function dropOmitted(args: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(args)) if (v !== OMIT) out[k] = v;
  return out;
}

async function connectionFor(
  scope: Scope,
  templar: Templar,
  vars: Vars,
): Promise<{ conn: Connection; delegatedTo?: string; templar: Templar; vars: Vars }> {
  const { run, play, task } = scope;
  const kw = task.effective;
  const delegate = kw.delegate_to !== undefined ? String(templar.template(kw.delegate_to)) : undefined;
  if (delegate && delegate !== scope.host.name) {
    const inInventory = run.inventory.getHost(delegate);
    if (inInventory) {
      const dHost = run.hostState(delegate);
      const dVars = taskVars({ run, play, host: dHost, task });
      const dt = makeTemplar({ run, play, host: dHost, task }, dVars);
      const conn = await run.connector.get(
        delegate,
        connectionVars(delegate, dt, dVars, kw, inInventory.implicit),
      );
      return { conn, delegatedTo: delegate, templar: dt, vars: dVars };
    }
    // A delegate outside the inventory: localhost runs locally, anything else is reached by its name over SSH.
    const local = ["localhost", "127.0.0.1", "::1"].includes(delegate);
    const conn = await run.connector.get(
      delegate,
      local ? { ansible_connection: "local" } : { ansible_host: delegate },
    );
    return { conn, delegatedTo: delegate, templar, vars: {} };
  }
  const conn = await run.connector.get(
    scope.host.name,
    connectionVars(scope.host.name, templar, vars, kw, scope.host.host.implicit),
  );
  return { conn, templar, vars };
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

/**
 * A module that failed because its host went away mid-task (a database relay or a stream cut off) would otherwise
 * be a plain FAILED; Ansible reports such a host UNREACHABLE. One probe tells the two apart: it throws the
 * connection's UnreachableError when the link is gone, and gives up quietly when the host merely answers slowly.
 */
async function confirmReachable(conn: Connection): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const slow = new Promise<undefined>(
    (resolve) => (timer = setTimeout(() => resolve(undefined), PROBE_TIMEOUT_MS)),
  );
  const probe = conn.exec("true").then(
    () => undefined,
    (e: unknown) => e,
  );
  const error = await Promise.race([probe, slow]);
  clearTimeout(timer);
  if (error instanceof UnreachableError) throw error;
}
const PROBE_TIMEOUT_MS = 5_000;

function controllerOnlyConnection(host: string): Connection {
  const refuse = () => Promise.reject(new Error("this module runs on the controller and has no connection"));
  return {
    host,
    exec: refuse,
    put: refuse,
    get: refuse,
    execStream: refuse,
    close: () => Promise.resolve(),
    alive: true,
    stats: { roundTrips: 0, bytesSent: 0 },
  };
}

function failure(msg: string, fields: Record<string, unknown> = {}): TaskOutcome {
  return { status: "failed", ignored: false, result: { changed: false, ...fields, failed: true, msg } };
}

/** A failure before or instead of the module's work: a bad argument keeps the fields Ansible returns with it. */
function errorOutcome(e: unknown, task: Task): TaskOutcome {
  return failure(errorMessage(e, task), e instanceof ModuleArgsError ? e.fields : {});
}

function errorMessage(e: unknown, task: Task): string {
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

function censored(r: ModuleResult): ModuleResult {
  return {
    censored: NO_LOG_MSG,
    changed: !!r.changed,
    ...(r.failed ? { failed: true } : {}),
    ...(r.skipped ? { skipped: true } : {}),
  };
}

/** Ansible's strategy shows a result's diff when --diff is on or the task itself says `diff: true`. */
function showsDiff(scope: Scope, templar: Templar): boolean {
  const own = scope.task.effective.diff;
  return scope.run.options.diff || (own !== undefined && toBool(templar.template(own)));
}

function diffsOf(r: ModuleResult): FileDiff[] | undefined {
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
function finish(scope: Scope, templar: Templar, outcome: TaskOutcome, noLog: boolean): TaskOutcome {
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
