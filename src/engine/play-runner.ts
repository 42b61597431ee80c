/**
 * Runs one play: host selection and serial batches, fact gathering, then pre_tasks, roles + tasks and post_tasks,
 * each followed by a handler flush. The linear strategy runs every task on all hosts of the batch (forks at a time)
 * before the next task; `free` lets each host run through on its own. Blocks route failed hosts to `rescue`, then
 * everyone to `always`.
 */
import { applyLimit, selectHosts } from "../inventory/patterns.js";
import { displayName } from "../playbook/list-tasks.js";
import { loadIncludedRole, loadIncludedTasks } from "../playbook/include.js";
import { shouldRun } from "../playbook/tags.js";
import { resolveTaskFile } from "../playbook/paths.js";
import type { Block, Node, Play, Task } from "../playbook/types.js";
import { ExitCode, InfraError, formatLocation, type SourceLocation } from "../util/errors.js";
import { mapLimit } from "../util/exec.js";
import { becomeFor, connectionVars } from "./connect.js";
import type { RunContext } from "./context.js";
import type { TaskInfo } from "./events.js";
import { gatherFacts } from "./facts.js";
import type { HostState } from "./host-state.js";
import { flattenTasks, handlerNames } from "./handlers.js";
import { PlayState } from "./play-state.js";
import { evaluateCondition } from "./conditions.js";
import { hostResult, runTaskOnHost, unreachableMessage, type TaskOutcome } from "./task-runner.js";
import { toBool } from "./truth.js";
import { makeTemplar, taskVars } from "./variables.js";
import { UnreachableError } from "../transport/errors.js";

export class PlayRunner {
  private startAtReached: boolean;
  private free = false;

  constructor(
    private readonly run: RunContext,
    private readonly play: Play,
  ) {
    this.startAtReached = !run.options.startAtTask;
  }

  /**
   * Runs the play; false when every host of a batch failed or became unreachable, which ends the whole playbook
   * in Ansible (its PlaybookExecutor breaks out of the plays: later plays do not run, PLAY RECAP follows).
   */
  async execute(): Promise<boolean> {
    const { run, play } = this;
    let hosts = selectHosts(run.inventory, play.hosts);
    if (run.options.limit?.length) hosts = applyLimit(run.inventory, hosts, run.options.limit);
    const states = hosts.map((h) => run.hostState(h.name)).filter((s) => !s.failed && !s.unreachable);
    if (!states.length) {
      run.emit({ type: "play_start", name: play.name, hosts: [] });
      run.emit({ type: "no_hosts", play: play.name });
      return true;
    }
    for (const s of states) s.ended = false;
    run.emit({ type: "play_start", name: play.name, hosts: states.map((s) => s.name) });
    this.free = play.strategy === "free";
    for (const batch of this.batches(states)) {
      const ps = new PlayState(run, play, states, batch);
      await this.gather(ps);
      await this.section(ps, play.pre_tasks);
      await this.section(ps, [...play.roleBlocks, ...play.tasks]);
      await this.section(ps, play.post_tasks);
      if (batch.every((h) => h.failed || h.unreachable)) return false;
      // meta end_play ends every host of the play, later batches included.
      if (!batch.some((h) => h.active)) break;
    }
    return true;
  }

  private batches(states: HostState[]): HostState[][] {
    const serial = this.play.serial.map((s) => String(s));
    if (!serial.length) return [states];
    const out: HostState[][] = [];
    let i = 0;
    let k = 0;
    while (i < states.length) {
      const size = batchSize(serial[Math.min(k++, serial.length - 1)]!, states.length, this.play.location);
      out.push(states.slice(i, i + size));
      i += size;
    }
    return out;
  }

  private async section(ps: PlayState, blocks: Block[]): Promise<void> {
    await this.nodes(ps, blocks, ps.hosts);
    await this.flushHandlers(ps);
  }

  private async gather(ps: PlayState): Promise<void> {
    const { run, play } = this;
    const g = play.gather_facts;
    const want = g === undefined ? run.options.gathering !== "explicit" : toBool(g);
    if (!want) return;
    const info: TaskInfo = {
      name: "Gathering Facts",
      action: "gather_facts",
      path: formatLocation(play.location),
      handler: false,
      gather: true,
    };
    // Ansible tags the implicit setup task `always` only in an untagged play; otherwise it has the play's tags.
    const tags = play.keywords.tags.length ? play.keywords.tags : ["always"];
    if (!shouldRun(tags, run.options.tags)) return;
    run.emit({ type: "task_start", task: info });
    await mapLimit(
      ps.hosts.filter((h) => h.active),
      run.options.forks,
      async (h) => {
        try {
          const vars = taskVars({ run, play: ps, host: h });
          const t = makeTemplar({ run, play: ps, host: h }, vars);
          const conn = await run.connector.get(
            h.name,
            connectionVars(h.name, t, vars, play.keywords, h.host.implicit),
          );
          const become = becomeFor(t, (k) => k in vars, play.keywords, run.options);
          h.facts = await gatherFacts(conn, become);
          ps.invalidate();
          h.counts.ok++;
          run.emit({ type: "host_result", task: info, result: hostResult(h.name, "ok", { changed: false }) });
        } catch (e) {
          const unreachable = e instanceof UnreachableError;
          if (unreachable) {
            h.unreachable = true;
            h.counts.unreachable++;
          } else {
            h.failed = true;
            h.counts.failed++;
          }
          const msg = e instanceof UnreachableError ? unreachableMessage(e) : (e as Error).message;
          run.emit({
            type: "host_result",
            task: info,
            result: hostResult(h.name, unreachable ? "unreachable" : "failed", {
              changed: false,
              msg,
              ...(unreachable ? { unreachable: true } : { failed: true }),
            }),
          });
        }
      },
    );
  }

  /** Runs a list of blocks/tasks on the given hosts (each on its own under the free strategy). */
  private async nodes(ps: PlayState, nodes: Node[], hosts: HostState[]): Promise<void> {
    if (this.free && hosts.length > 1) {
      await Promise.all(hosts.map((h) => this.nodes(ps, nodes, [h])));
      return;
    }
    for (const node of nodes) {
      const active = hosts.filter((h) => h.active);
      if (!active.length) return;
      if (node.kind === "block") await this.block(ps, node, active);
      else await this.task(ps, node, active);
    }
  }

  private async block(ps: PlayState, block: Block, hosts: HostState[]): Promise<void> {
    await this.nodes(ps, block.block, hosts);
    const failedHere = hosts.filter((h) => h.failed && !h.unreachable);
    if (block.rescue.length && failedHere.length) {
      for (const h of failedHere) {
        h.failed = false;
        h.counts.failed--;
        h.counts.rescued++;
      }
      await this.nodes(ps, block.rescue, failedHere);
    }
    if (block.always.length) {
      const stillFailed = hosts.filter((h) => h.failed && !h.unreachable);
      for (const h of stillFailed) h.failed = false;
      await this.nodes(
        ps,
        block.always,
        hosts.filter((h) => !h.unreachable && !h.ended),
      );
      for (const h of stillFailed) h.failed = true;
    }
  }

  private info(task: Task, handler = false): TaskInfo {
    return { name: displayName(task), action: task.action, path: formatLocation(task.location), handler };
  }

  private async task(ps: PlayState, task: Task, hosts: HostState[], handler = false): Promise<void> {
    const { run } = this;
    if (!handler && !shouldRun(task.effective.tags, run.options.tags)) return;
    if (!this.startAtReached) {
      if (displayName(task) !== run.options.startAtTask && task.name !== run.options.startAtTask) return;
      this.startAtReached = true;
    }
    if (task.action === "meta") return this.meta(ps, task, hosts);
    if (task.dynamic) return this.include(ps, task, hosts);

    const info = this.info(task, handler);
    run.emit({ type: "task_start", task: info });
    const runOnce =
      task.effective.run_once !== undefined &&
      toBool(makeTemplar({ run, play: ps, host: hosts[0]!, task }).template(task.effective.run_once));
    const targets = runOnce ? hosts.slice(0, 1) : hosts;
    const outcomes = await mapLimit(targets, run.options.forks, (h) => runTaskOnHost(run, ps, h, task, info));
    targets.forEach((h, i) => this.account(h, outcomes[i]!));
    if (runOnce) {
      // run_once: the result applies to every host of the batch (register, facts), reported once.
      const [first] = targets;
      for (const h of hosts.slice(1)) {
        if (task.register) h.setFacts[task.register] = first!.setFacts[task.register];
        const facts = outcomes[0]!.result.ansible_facts;
        if (facts) Object.assign(h.setFacts, facts);
        if (outcomes[0]!.result.changed) for (const n of task.effective.notify ?? []) h.notified.add(n);
      }
    }
    const anyFatal =
      task.effective.any_errors_fatal !== undefined
        ? toBool(task.effective.any_errors_fatal)
        : run.options.anyErrorsFatal;
    if (anyFatal && outcomes.some((o) => o.status === "failed" && !o.ignored))
      for (const h of hosts) h.failed = true;
  }

  /** Updates a host's state and PLAY RECAP counts the way Ansible's strategy does. */
  private account(h: HostState, o: TaskOutcome): void {
    const c = h.counts;
    switch (o.status) {
      case "failed":
        if (o.ignored) {
          c.ok++;
          c.ignored++;
          if (o.result.changed) c.changed++;
        } else {
          c.failed++;
          h.failed = true;
        }
        break;
      case "unreachable":
        if (o.ignored) c.skipped++;
        else {
          c.unreachable++;
          h.unreachable = true;
        }
        break;
      case "skipped":
        c.skipped++;
        break;
      default:
        c.ok++;
        if (o.result.changed) c.changed++;
    }
  }

  private async meta(ps: PlayState, task: Task, hosts: HostState[]): Promise<void> {
    const action = String(task.args._raw_params ?? task.args.free_form ?? "").trim();
    const when = (h: HostState) => {
      const t = makeTemplar({ run: this.run, play: ps, host: h, task });
      return task.effective.when.every((c) => evaluateCondition(t, c, task));
    };
    switch (action) {
      case "flush_handlers":
        return this.flushHandlers(ps);
      case "end_play":
        if (hosts.some(when)) for (const h of ps.hosts) h.ended = true;
        return;
      case "end_host":
      case "end_batch":
        for (const h of hosts) if (when(h)) h.ended = true;
        return;
      case "clear_facts":
        for (const h of hosts) h.facts = {};
        ps.invalidate();
        return;
      case "clear_host_errors":
        for (const h of ps.hosts) h.failed = false;
        return;
      case "reset_connection":
        // Per host, as Ansible runs it: the next task logs in again and sees the account as it is now (a group
        // just added to the login user, say), also where the connection was kept between runs.
        await Promise.all(hosts.filter(when).map((h) => this.run.connector.reset?.(h.name)));
        return;
      case "noop":
      case "refresh_inventory":
        return;
      default:
        this.run.warn(`meta action '${action}' is not supported; ignored (${formatLocation(task.location)})`);
    }
  }

  /** include_tasks / include_role: resolved per host, then run for the hosts that include the same file. */
  private async include(ps: PlayState, task: Task, hosts: HostState[]): Promise<void> {
    const { run } = this;
    const info = this.info(task);
    const groups = new Map<string, { hosts: HostState[]; vars: Record<string, unknown> }>();
    const dyn = task.dynamic!;
    run.emit({ type: "task_start", task: info });
    for (const h of hosts) {
      const t = makeTemplar({ run, play: ps, host: h, task });
      try {
        if (!task.effective.when.every((c) => evaluateCondition(t, c, task))) {
          h.counts.skipped++;
          run.emit({
            type: "host_result",
            task: info,
            result: hostResult(h.name, "skipped", {
              changed: false,
              skipped: true,
              skip_reason: "Conditional result was False",
            }),
          });
          continue;
        }
        const target = String(t.template(dyn.kind === "include_tasks" ? dyn.file : dyn.role));
        const key = `${dyn.kind}:${target}`;
        const g = groups.get(key) ?? { hosts: [], vars: {} };
        g.hosts.push(h);
        groups.set(key, g);
      } catch (e) {
        h.failed = true;
        h.counts.failed++;
        run.emit({
          type: "host_result",
          task: info,
          result: hostResult(h.name, "failed", { changed: false, failed: true, msg: (e as Error).message }),
        });
      }
    }
    // Like Ansible: every "included:" line first, then the included tasks, hosts with the same file together.
    const loaded: { hosts: HostState[]; blocks: Node[] }[] = [];
    for (const [key, g] of groups) {
      const target = key.slice(key.indexOf(":") + 1);
      try {
        if (dyn.kind === "include_tasks") {
          const path = resolveIncludePath(task, target);
          const blocks = loadIncludedTasks(task, path);
          run.emit({ type: "included", file: path, hosts: g.hosts.map((h) => h.name), task: info });
          for (const h of g.hosts) h.counts.ok++;
          loaded.push({ hosts: g.hosts, blocks });
        } else {
          const included = loadIncludedRole(task, target);
          // The role's handlers join the play's, so its tasks can notify them (as Ansible adds them).
          for (const b of included.handlers) if (!this.play.handlers.includes(b)) this.play.handlers.push(b);
          loaded.push({ hosts: g.hosts, blocks: included.blocks });
        }
      } catch (e) {
        for (const h of g.hosts) {
          h.failed = true;
          h.counts.failed++;
          run.emit({
            type: "host_result",
            task: info,
            result: hostResult(h.name, "failed", { changed: false, failed: true, msg: (e as Error).message }),
          });
        }
      }
    }
    for (const l of loaded) await this.nodes(ps, l.blocks, l.hosts);
  }

  /** Runs notified handlers in the order they are defined, for the hosts that notified them. */
  async flushHandlers(ps: PlayState): Promise<void> {
    const handlers = flattenTasks(this.play.handlers);
    for (let round = 0; round < 10; round++) {
      let ran = false;
      for (const handler of handlers) {
        const names = handlerNames(handler);
        const force =
          this.run.options.forceHandlers ||
          (this.play.force_handlers !== undefined && toBool(this.play.force_handlers));
        const hosts = ps.hosts.filter(
          (h) => (h.active || (force && h.failed && !h.unreachable)) && names.some((n) => h.notified.has(n)),
        );
        if (!hosts.length) continue;
        for (const h of hosts) for (const n of names) h.notified.delete(n);
        ran = true;
        await this.task(ps, handler, hosts, true);
      }
      if (!ran) break;
    }
    for (const h of ps.hosts) h.notified.clear();
  }
}

/** The file an include_tasks statement names, found the way the loader will find it (for "included:" lines). */
function resolveIncludePath(task: Task, target: string): string {
  const ctx = task.dynamic!.context;
  const search = {
    role: ctx.role?.role,
    includingFile: ctx.includingFile,
    playbookDir: ctx.playbookDir,
    handlers: ctx.handlers,
  };
  return resolveTaskFile(target, search, task.location);
}

/**
 * Hosts in one serial batch: a count or a percentage of the play's hosts (0 means all, as in Ansible). Anything
 * else is refused up front: a negative or non-numeric size would otherwise make batching loop forever or run nothing.
 */
export function batchSize(spec: string, total: number, location: SourceLocation | undefined): number {
  const m = /^\s*(\d+)(%?)\s*$/.exec(spec);
  if (!m)
    throw new InfraError(`serial must be a whole number of hosts or a percentage, got '${spec}'`, {
      location,
      hint: "Write e.g. `serial: 2`, `serial: 30%` or a list of them (`serial: [1, 5, '50%']`).",
      exitCode: ExitCode.generic,
    });
  const n = Number(m[1]);
  if (m[2]) return Math.max(1, Math.floor((total * n) / 100));
  return n || total;
}
