/**
 * Grading one student: connect to every inventory host and discover what it is (one command each), assign the
 * definitions' roles, read each host's facts for all its probe checks in one more command, run the active checks
 * (restore drills) and the repository checks, then score. Nothing here changes a host; restore_drill touches
 * scratch names only.
 */
import { hostInventoryVars, type Inventory } from "../inventory/index.js";
import type { Connection, ConnectionPool } from "../transport/index.js";
import { batchScript, splitBatchOutput } from "./batch-script.js";
import { backupVars, DISCOVERY_SCRIPT, parseDiscovery, type HostFacts } from "./discovery.js";
import { CHECK_TYPES } from "./registry.js";
import { checkStatus, scoreTasks } from "./scoring.js";
import { assignRoles } from "./targets.js";
import { fillVars, MissingVar } from "./template-vars.js";
import type {
  ActiveCheck,
  BecomeFor,
  CheckContext,
  CheckDef,
  CheckOutcome,
  Definition,
  ProbeCheck,
  StudentReport,
} from "./types.js";

export interface GradeOptions {
  student: string;
  inventory: Inventory;
  repo?: string;
  definitions: Definition[];
  pool: ConnectionPool;
  /** Values for {{ name }} that override discovered ones (--var). */
  vars?: Record<string, string>;
  /** The clock schedules are judged from (default: each host's own). */
  now?: Date;
  /**
   * false: do not run the active checks (restore_drill, doc_drill), which restore into scratch databases and
   * directories; they are reported skipped, and grading only reads the hosts.
   */
  drills?: boolean;
  log?: (msg: string) => void;
}

interface HostConn {
  conn: Connection;
  become: BecomeFor;
  facts: HostFacts;
}

function taskOf(defs: Definition[], id: string): string {
  return defs.flatMap((d) => d.tasks).find((t) => t.checks.some((c) => c.id === id))!.id;
}

function outcome(
  defs: Definition[],
  c: CheckDef,
  host: string | undefined,
  partial: Partial<CheckOutcome>,
  spec: unknown = c.spec,
): CheckOutcome {
  const type = CHECK_TYPES[c.type]!;
  let name = c.name;
  if (!name) {
    try {
      name = type.describe(spec);
    } catch {
      name = c.type;
    }
  }
  return {
    id: c.id,
    task: taskOf(defs, c.id),
    name,
    type: c.type,
    host,
    status: "skip",
    results: [],
    points: 0,
    maxPoints: 0,
    ...partial,
  };
}

export async function gradeStudent(opts: GradeOptions): Promise<StudentReport> {
  const started = Date.now();
  const { inventory, definitions: defs, pool } = opts;
  const log = opts.log ?? (() => {});
  const hosts = [...inventory.hosts.values()].filter((h) => !h.implicit);
  const connected = new Map<string, HostConn>();
  const unreachable: string[] = [];
  const problems: string[] = [];
  await Promise.all(
    hosts.map(async (h) => {
      try {
        const vars = hostInventoryVars(inventory, h);
        const conn = await pool.get(h.name, vars);
        const become = { user: "root", password: pool.becomePassword(h.name, vars) };
        const r = await conn.exec(DISCOVERY_SCRIPT, { become, timeoutMs: 30_000 });
        connected.set(h.name, { conn, become, facts: parseDiscovery(r.stdout) });
      } catch (e) {
        unreachable.push(h.name);
        const msg = (e as Error).message;
        problems.push(msg.startsWith(`${h.name}:`) ? msg : `${h.name}: ${msg}`);
        log(`${opts.student}: ${h.name} unreachable: ${(e as Error).message}`);
      }
    }),
  );
  const connectedAt = Date.now();
  log(`${opts.student}: ${connected.size} host(s) connected and discovered in ${connectedAt - started} ms`);
  const facts = new Map([...connected].map(([n, c]) => [n, c.facts]));
  const discoveredVars = backupVars([...facts.values()].flatMap((f) => f.urls));
  const vars: Record<string, string> = Object.assign(
    {},
    ...defs.map((d) => d.vars),
    discoveredVars,
    opts.vars ?? {},
  );
  const roles = assignRoles(
    Object.assign({}, ...defs.map((d) => d.roles)),
    inventory,
    facts,
    vars.backup_host,
  );
  const hostsOf = (role: string) => roles.find((r) => r.role === role)?.hosts ?? [];
  const checks = defs.flatMap((d) => d.tasks.flatMap((t) => t.checks));
  const outcomes: CheckOutcome[] = [];
  const ctxFor = (now: Date): CheckContext => ({ vars, now: opts.now ?? now, repo: opts.repo });

  // Probe checks, one batch per host.
  const perHost = new Map<string, { c: CheckDef; spec: unknown }[]>();
  for (const c of checks) {
    const type = CHECK_TYPES[c.type]!;
    if (type.kind === "local") continue;
    const targets = hostsOf(c.on!);
    if (!targets.length) {
      outcomes.push(
        outcome(defs, c, undefined, {
          status: "fail",
          note: `no host is ${c.on}: ${roles.find((r) => r.role === c.on)?.reason}`,
        }),
      );
      continue;
    }
    let spec: unknown;
    try {
      spec = fillVars(c.spec, vars);
    } catch (e) {
      if (!(e instanceof MissingVar)) throw e;
      for (const h of targets)
        outcomes.push(
          outcome(defs, c, h, {
            status: "fail",
            note: `${e.message}, which discovery did not find (no cron job names a duplicity URL); pass --var`,
          }),
        );
      continue;
    }
    for (const h of targets) {
      if (!connected.has(h))
        outcomes.push(outcome(defs, c, h, { status: "skip", note: `${h} is unreachable` }));
      else if (type.kind === "probe") perHost.set(h, [...(perHost.get(h) ?? []), { c, spec }]);
    }
  }
  await Promise.all(
    [...perHost].map(async ([h, list]) => {
      const { conn, become } = connected.get(h)!;
      const t0 = Date.now();
      const snippets = list.map(({ c, spec }) =>
        (CHECK_TYPES[c.type] as ProbeCheck<unknown>).probe(spec, ctxFor(new Date())),
      );
      const r = await conn.exec(`echo "clock|$(date +%s)"\n${batchScript(snippets)}`, {
        become,
        timeoutMs: 600_000,
      });
      const clock = new Date(Number(/clock\|(\d+)/.exec(r.stdout)?.[1] ?? Date.now() / 1000) * 1000);
      const parts = splitBatchOutput(r.stdout, list.length);
      list.forEach(({ c, spec }, i) => {
        const results = (CHECK_TYPES[c.type] as ProbeCheck<unknown>).evaluate(spec, parts[i]!, ctxFor(clock));
        outcomes.push(outcome(defs, c, h, { status: checkStatus(results), results }, spec));
      });
      log(`${opts.student}: ${h}: ${list.length} checks read in ${Date.now() - t0} ms`);
    }),
  );

  // Needs, then the local checks, then the active ones (restore drills): in definition order on each host, hosts
  // in parallel; a drill runs only when its prerequisites passed.
  // A need is a check id (all of it must pass) or id:property (that property must pass on every host).
  const unmet = (need: string) => {
    const [id, prop] = need.split(":");
    const mine = outcomes.filter((o) => o.id === id);
    if (!mine.length) return true;
    if (!prop) return mine.some((o) => o.status !== "pass");
    return mine.some(
      (o) =>
        !o.results.some((r) => r.property === prop) ||
        o.results.some((r) => r.property === prop && r.status !== "pass"),
    );
  };
  const failedNeed = (c: CheckDef) => c.needs.find(unmet);
  const skipped = (c: CheckDef, h: string | undefined, need: string) =>
    outcome(defs, c, h, { status: "skip", note: `skipped: needs ${need}, which did not pass` });
  const active: { c: CheckDef; h: string }[] = [];
  for (const c of checks) {
    const type = CHECK_TYPES[c.type]!;
    if (type.kind === "local") {
      const need = failedNeed(c);
      if (need) outcomes.push(skipped(c, undefined, need));
      else {
        const results = type.run(fillVars(c.spec, vars), ctxFor(new Date()));
        outcomes.push(outcome(defs, c, undefined, { status: checkStatus(results), results }));
      }
    } else if (type.kind === "active" && !outcomes.some((o) => o.id === c.id)) {
      for (const h of hostsOf(c.on!))
        if (!connected.has(h)) continue;
        else if (opts.drills === false)
          outcomes.push(
            outcome(defs, c, h, {
              status: "skip",
              note: "not run: drills are off (grading only reads the hosts)",
            }),
          );
        else active.push({ c, h });
    }
  }
  const activeHosts = [...new Set(active.map((a) => a.h))];
  await Promise.all(
    activeHosts.map(async (h) => {
      const hc = connected.get(h)!;
      for (const { c } of active.filter((a) => a.h === h)) {
        const type = CHECK_TYPES[c.type] as ActiveCheck<unknown>;
        const need = failedNeed(c);
        if (need) {
          outcomes.push(skipped(c, h, need));
          continue;
        }
        const spec = fillVars(c.spec, vars);
        try {
          const results = await type.run(spec, hc.conn, { ...ctxFor(new Date()), become: hc.become });
          outcomes.push(outcome(defs, c, h, { status: checkStatus(results), results }, spec));
        } catch (e) {
          outcomes.push(
            outcome(defs, c, h, { status: "fail", note: `could not run: ${(e as Error).message}` }, spec),
          );
        }
      }
    }),
  );
  for (const o of outcomes) {
    const c = checks.find((x) => x.id === o.id)!;
    const need = type0(c) === "probe" ? failedNeed(c) : undefined;
    if (need && o.status === "fail") {
      o.status = "skip";
      o.note = `skipped: needs ${need}, which did not pass`;
    }
  }
  const tasks = scoreTasks(defs, outcomes);
  log(`${opts.student}: every check done ${Date.now() - connectedAt} ms after connecting`);
  return {
    student: opts.student,
    labs: defs.map((d) => d.lab),
    roles,
    tasks,
    score: Math.round(tasks.reduce((s, t) => s + t.points, 0) * 100) / 100,
    maxScore: tasks.reduce((s, t) => s + t.maxPoints, 0),
    error: unreachable.length ? `unreachable: ${problems.join("; ")}` : undefined,
    unreachable,
    durationMs: Date.now() - started,
  };
}

function type0(c: CheckDef): string {
  return CHECK_TYPES[c.type]!.kind;
}
