#!/usr/bin/env node
/**
 * `npm run bench` (after `npm run build`): ansible-playbook against `infra apply` on the same lab hosts, runs of
 * the two tools alternating, for converge from fresh containers, a no-op re-run and a --check run; then
 * `infra check --lab 10` (one student, and a roster of 17 at once), and infra's linearity series (linear.js).
 * Every run also records the controller's and the lab hosts' CPU time. Prints medians, min–max and ratios, the
 * targets' verdicts, and writes bench/results.json.
 *
 *   node bench/run.js [--runs 5] [--big-runs 3] [--only reference,reference-unkept,scale-3,scale-50,linear]
 *                     [--modes converge,noop,check] [--no-grade] [--keep] [--merge]
 *
 * --merge keeps the other rows of an earlier bench/results.json and replaces only the ones run now.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { performance } from "node:perf_hooks";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
if (!existsSync(join(ROOT, "dist/cli/run.js"))) {
  console.error("bench: dist/ is missing; run `npm run build` first");
  process.exit(2);
}
const { timed, recapTotal } = await import("./lib/measure.js");
const { summary } = await import("./lib/stats.js");
const { ensureLab, freshLab, removeLab } = await import("./lib/labs.js");
const { countRoundTrips } = await import("./lib/round-trips.js");
const { hostCpuMeter } = await import("./lib/host-cpu.js");
const S = await import("./lib/scenarios.js");
const { table, verdicts } = await import("./lib/report.js");
const { linearSeries, linearTable, linearVerdict } = await import("./lib/linear.js");

const USAGE = `usage: node bench/run.js [--runs 5] [--big-runs 3] [--only reference,reference-unkept,scale-3,scale-50,linear]
                         [--modes converge,noop,check] [--no-grade] [--keep] [--merge]`;
const options = {
  options: {
    runs: { type: "string", default: "5" },
    "big-runs": { type: "string", default: "3" },
    only: { type: "string" },
    modes: { type: "string" },
    "no-grade": { type: "boolean", default: false },
    merge: { type: "boolean", default: false },
    keep: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
};
let opt;
try {
  opt = parseArgs(options).values;
} catch (e) {
  refuse(e.message);
}
if (opt.help) {
  console.log(USAGE);
  process.exit(0);
}
const only = opt.only?.split(",");
const modes = opt.modes?.split(",") ?? S.MODES;
/** Stops with the usage on a value the benchmark cannot take (instead of a run that times nothing). */
function refuse(what) {
  console.error(`bench: ${what}\n${USAGE}`);
  process.exit(2);
}
for (const id of only ?? [])
  if (!S.SCENARIOS.some((s) => s.id === id)) refuse(`no scenario ${JSON.stringify(id)}`);
for (const m of modes) if (!S.MODES.includes(m)) refuse(`no mode ${JSON.stringify(m)}`);
for (const k of ["runs", "big-runs"])
  if (!/^[1-9]\d*$/.test(opt[k]))
    refuse(`--${k} wants a whole number of runs, got ${JSON.stringify(opt[k])}`);
const log = (m) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${m}\n`);

/** ", controller CPU … s, hosts CPU … s" for a run's log line, with what is known of the two. */
function cpuLog(r) {
  const parts = [
    r.controllerCpu !== undefined ? `controller CPU ${r.controllerCpu.toFixed(2)} s` : undefined,
    r.hostsCpu !== undefined ? `hosts CPU ${r.hostsCpu.toFixed(2)} s` : undefined,
  ].filter(Boolean);
  return parts.length ? `, ${parts.join(", ")}` : "";
}

/** One run of one tool; a failed run is reported and kept out of the medians. */
async function runTool(tool, c, mode, scenario, hostCpu) {
  const r = await timed(c.cmd, c.args, { cwd: ROOT, env: c.env, hostCpu, tool });
  const changed = recapTotal(r.recap, "changed");
  const expected = mode === "check" ? (scenario.checkExit ?? 0) : 0;
  const bad = r.code !== expected || (mode !== "converge" && changed !== 0);
  log(
    `${scenario.id} ${mode} ${tool}: ${r.seconds.toFixed(2)} s, rc ${r.code}, changed ${changed}${cpuLog(r)}${bad ? "  <-- not counted" : ""}`,
  );
  if (bad) log((r.stdout + r.stderr).split("\n").slice(-25).join("\n"));
  return bad ? { ...r, seconds: NaN } : r;
}

async function scenarioMode(s, mode, runs) {
  const times = { ansible: [], infra: [] };
  const rss = { ansible: [], infra: [] };
  const cpu = { ansible: { controller: [], hosts: [] }, infra: { controller: [], hosts: [] } };
  let inventory = await ensureLab(s.lab, s.hosts, ROOT);
  let hostCpu = await hostCpuMeter(s.lab, ROOT);
  if (mode !== "converge") {
    // Untimed: converges hosts that are new (a lab made by this run) and warms both the hosts and the page cache.
    const c = S.infraCommand(s, inventory, "converge");
    const r = await timed(c.cmd, c.args, { cwd: ROOT, env: c.env });
    log(`${s.id}: converged first (untimed, ${r.seconds.toFixed(1)} s, rc ${r.code})`);
  }
  const lastRun = { ansible: -Infinity, infra: mode === "converge" ? -Infinity : performance.now() };
  for (let i = 0; i < runs; i++) {
    const order = i % 2 ? ["infra", "ansible"] : ["ansible", "infra"];
    for (const tool of order) {
      if (mode === "converge") {
        inventory = await freshLab(s.lab, s.hosts, ROOT);
        hostCpu = await hostCpuMeter(s.lab, ROOT);
      }
      const build = tool === "ansible" ? S.ansibleCommand : S.infraCommand;
      // A re-run is one within ControlPersist of the tool's previous run, whose connections both tools' default
      // ssh_args keep that long: where the other tool's run took longer (50 hosts), this tool runs once untimed.
      if (mode !== "converge" && performance.now() - lastRun[tool] > S.REUSE_WINDOW_MS) {
        const w = build(s, inventory, mode);
        const r = await timed(w.cmd, w.args, { cwd: ROOT, env: w.env, tool });
        log(`${s.id} ${mode} ${tool}: a run first, untimed (${r.seconds.toFixed(1)} s, rc ${r.code})`);
      }
      const r = await runTool(tool, build(s, inventory, mode), mode, s, hostCpu);
      lastRun[tool] = performance.now();
      times[tool].push(r.seconds);
      if (r.rssMB !== undefined) rss[tool].push(r.rssMB);
      // CPU of counted runs only, like the times.
      if (Number.isFinite(r.seconds)) {
        if (r.controllerCpu !== undefined) cpu[tool].controller.push(r.controllerCpu);
        if (r.hostsCpu !== undefined) cpu[tool].hosts.push(r.hostsCpu);
      }
    }
  }
  if (mode === "converge") inventory = await freshLab(s.lab, s.hosts, ROOT);
  const rt = await countRoundTrips({ cwd: ROOT, inventory, playbook: s.playbook, check: mode === "check" });
  return {
    scenario: s.id,
    hosts: s.hosts,
    mode,
    runs,
    exitCode: mode === "check" ? (s.checkExit ?? 0) : 0,
    ansible: summary(times.ansible),
    infra: summary(times.infra),
    ansibleRuns: times.ansible,
    infraRuns: times.infra,
    ansibleRssMB: rss.ansible.length ? Math.max(...rss.ansible) : undefined,
    infraRssMB: rss.infra.length ? Math.max(...rss.infra) : undefined,
    ansibleCpu: { controller: summary(cpu.ansible.controller), hosts: summary(cpu.ansible.hosts) },
    infraCpu: { controller: summary(cpu.infra.controller), hosts: summary(cpu.infra.hosts) },
    cores: cpus().length,
    roundTrips: rt,
  };
}

/** Times `infra check` runs (`command` builds one from the lab's inventory); `hosts` is how many it grades. */
async function grade(s, runs, label, command, hosts = s.hosts) {
  const inventory = await ensureLab(s.lab, s.hosts, ROOT);
  const hostCpu = await hostCpuMeter(s.lab, ROOT);
  const times = [];
  const afterConnect = [];
  const rss = [];
  const cpu = { controller: [], hosts: [] };
  for (let i = 0; i < runs; i++) {
    const c = command(inventory);
    // infra check connects directly (no ssh_args of a repository to ask for a master): no master is its.
    const r = await timed(c.cmd, c.args, { cwd: ROOT, hostCpu });
    const after = S.afterConnecting(r.stderr);
    // Exit 1 means "not full marks" (this repository has no backup_restore.md); 2 and up mean it could not run.
    const ok = r.code === 0 || r.code === 1;
    const afterText = after === undefined ? "" : ` (${after.toFixed(2)} s after connecting)`;
    log(
      `${label}: ${r.seconds.toFixed(2)} s${afterText}, rc ${r.code}${cpuLog(r)}${ok ? "" : "  <-- not counted"}`,
    );
    if (!ok) log((r.stdout + r.stderr).split("\n").slice(-25).join("\n"));
    times.push(ok ? r.seconds : NaN);
    if (ok && after !== undefined) afterConnect.push(after);
    if (r.rssMB !== undefined) rss.push(r.rssMB);
    if (ok && r.controllerCpu !== undefined) cpu.controller.push(r.controllerCpu);
    if (ok && r.hostsCpu !== undefined) cpu.hosts.push(r.hostsCpu);
  }
  return {
    label,
    hosts,
    time: summary(times),
    runs: times,
    afterConnecting: summary(afterConnect),
    rssMB: rss.length ? Math.max(...rss) : undefined,
    cpu: { controller: summary(cpu.controller), hosts: summary(cpu.hosts) },
  };
}

const version = (cmd, args) => {
  try {
    return execFileSync(cmd, args, { encoding: "utf8" }).split("\n")[0].trim();
  } catch {
    return undefined;
  }
};

const results = {
  date: new Date().toISOString(),
  machine: {
    cpus: cpus().length,
    loadavgAtStart: loadavg(),
    node: process.version,
    ansible: version("ansible-playbook", ["--version"]),
  },
  scenarios: [],
  targets: S.TARGETS,
};
const RESULTS = join(ROOT, "bench/results.json");
const earlier = opt.merge && existsSync(RESULTS) ? JSON.parse(readFileSync(RESULTS, "utf8")) : undefined;
/** With --merge: the earlier rows not run again, then this run's rows, in the scenarios' order. */
function merged() {
  if (!earlier) return results;
  const key = (r) => `${r.scenario}/${r.mode}`;
  const now = new Set(results.scenarios.map(key));
  const order = S.SCENARIOS.flatMap((s) => S.MODES.map((m) => `${s.id}/${m}`));
  const rows = [...earlier.scenarios.filter((r) => !now.has(key(r))), ...results.scenarios];
  rows.sort((a, b) => order.indexOf(key(a)) - order.indexOf(key(b)));
  return {
    ...earlier,
    ...results,
    scenarios: rows,
    grade: results.grade ?? earlier.grade,
    gradeNoDrills: results.gradeNoDrills ?? earlier.gradeNoDrills,
    gradeCourse: results.gradeCourse ?? earlier.gradeCourse,
    linear: results.linear ?? earlier.linear,
    mergedFrom: earlier.date,
  };
}
/** The linearity series on the scenario's lab (linear.js). */
async function linear(s, runs) {
  const inventory = await ensureLab(s.lab, s.hosts, ROOT);
  const hostCpu = await hostCpuMeter(s.lab, ROOT);
  const hostNames = [...readFileSync(inventory, "utf8").matchAll(/^(\S+)\s+ansible_host=/gm)].map(
    (m) => m[1],
  );
  const c = S.infraCommand(s, inventory, "noop");
  return linearSeries({
    inventory,
    hostNames,
    runs,
    time: (args) => timed(c.cmd, ["apply", ...args], { cwd: ROOT, env: c.env, hostCpu }),
    log,
  });
}

const hasGrade = existsSync(join(ROOT, "dist/cli/commands/check.js"));
for (const s of S.SCENARIOS.filter((x) => !only || only.includes(x.id))) {
  const runs = Number(s.big ? opt["big-runs"] : opt.runs);
  if (s.kind === "linear") {
    log(`${s.id}: no-op runs of infra on ${s.hosts} hosts and fewer, ${runs} run(s) each`);
    results.linear = await linear(s, runs);
    writeFileSync(RESULTS, JSON.stringify(merged(), null, 2) + "\n");
  }
  for (const mode of s.kind === "linear" ? [] : modes.filter((m) => s.modes?.includes(m) ?? true)) {
    log(`${s.id}: ${mode}, ${runs} run(s) per tool on ${s.hosts} host(s)`);
    results.scenarios.push(await scenarioMode(s, mode, runs));
    writeFileSync(RESULTS, JSON.stringify(merged(), null, 2) + "\n");
  }
  if (s.gradeAfter && hasGrade && !opt["no-grade"]) {
    const check = "infra check --lab 10";
    results.grade = await grade(s, runs, check, (inv) => S.gradeCommand(inv, true));
    results.gradeNoDrills = await grade(s, runs, `${check} --no-drills`, (inv) => S.gradeCommand(inv, false));
    // A course at once: a roster of students graded in parallel. One machine has one lab of 3 course hosts, so
    // every student of the roster is that lab: the same work on the hosts as as many labs of their own.
    const course = S.courseRoster(ROOT);
    results.gradeCourse = await grade(
      s,
      Number(opt["big-runs"]),
      `${check} --no-drills --roster (${course.students} students × ${s.hosts} hosts)`,
      (inv) => S.courseCommand(course.write(inv)),
      course.students * s.hosts,
    );
  }
  if (!opt.keep && s.lab !== S.SCENARIOS[S.SCENARIOS.indexOf(s) + 1]?.lab) await removeLab(s.lab, ROOT);
}
results.machine.loadavgAtEnd = loadavg();
const final = merged();
final.verdicts = verdicts(final);
if (final.linear) final.verdicts.push(linearVerdict(final.linear));
writeFileSync(RESULTS, JSON.stringify(final, null, 2) + "\n");
console.log(table(final));
console.log("");
if (final.linear) console.log(`${linearTable(final.linear)}\n`);
for (const v of final.verdicts)
  console.log(`${v.met ? "met   " : "missed"} ${v.scenario} ${v.mode}: ${v.want}, found ${v.found}`);
if (!hasGrade) console.log("infra check is not built: its scenario was left out");
console.log(
  `load average at start ${results.machine.loadavgAtStart.map((x) => x.toFixed(1)).join(" ")}, at end ${results.machine.loadavgAtEnd.map((x) => x.toFixed(1)).join(" ")}`,
);
