/**
 * Does a no-op run's cost grow linearly with hosts × tasks? `infra apply` no-op runs on the first N hosts of the
 * 50-host lab (`--limit`, forks = N) for a few N, with the scale playbook once and twice (twice the tasks per
 * host). For each playbook a least-squares line time = a + b·N: a is what a run costs whatever the hosts (Node's
 * start, parsing), b what each host adds; R² says how straight the line is. Linear in hosts × tasks means R² near
 * 1 and b of the doubled playbook near twice b of the single one.
 */
import { summary } from "./stats.js";

export const LINEAR_HOSTS = [10, 25, 50];
export const LINEAR_PLAYBOOKS = [
  { playbook: "bench/scale.yaml", tasksPerHost: 9 },
  { playbook: "bench/scale-twice.yaml", tasksPerHost: 18 },
];

/** Least squares of y on x: intercept, slope and R². */
export function fitLine(points) {
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const sxx = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  const sxy = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  const ssTot = points.reduce((s, p) => s + (p.y - my) ** 2, 0);
  const ssRes = points.reduce((s, p) => s + (p.y - intercept - slope * p.x) ** 2, 0);
  return { intercept, slope, r2: ssTot === 0 ? 1 : 1 - ssRes / ssTot };
}

/**
 * Runs the series. `hostNames` are the lab's hosts in inventory order; `time(args)` runs `infra apply` with the
 * given arguments and returns measure.js's result; `log` reports each run.
 */
export async function linearSeries({ inventory, hostNames, runs, time, log }) {
  const rows = [];
  for (const { playbook, tasksPerHost } of LINEAR_PLAYBOOKS) {
    const points = [];
    for (const n of LINEAR_HOSTS.filter((k) => k <= hostNames.length)) {
      const args = ["-i", inventory, "-f", String(n), "-l", hostNames.slice(0, n).join(","), playbook];
      await time(args); // untimed: converges the hosts this playbook has not seen yet
      const seconds = [];
      const cpu = [];
      for (let i = 0; i < runs; i++) {
        const r = await time(args);
        log(`linear ${playbook} ${n} hosts: ${r.seconds.toFixed(2)} s, rc ${r.code}`);
        if (r.code !== 0) continue;
        seconds.push(r.seconds);
        if (r.controllerCpu !== undefined && r.hostsCpu !== undefined) cpu.push(r.controllerCpu + r.hostsCpu);
      }
      const t = summary(seconds);
      const c = summary(cpu);
      if (t) points.push({ x: n, y: t.median, cpu: c?.median, time: t });
    }
    const fit = points.length >= 2 ? fitLine(points) : undefined;
    rows.push({ playbook, tasksPerHost, points, fit });
  }
  return rows;
}

/** The series as a Markdown table. */
export function linearTable(rows) {
  const hosts = [...new Set(rows.flatMap((r) => r.points.map((p) => p.x)))];
  const out = [
    `| playbook | tasks per host | ${hosts.map((h) => `${h} hosts`).join(" | ")} | per host (slope) | fixed (intercept) | R² | CPU per host-task at ${hosts.at(-1)} hosts |`,
    `|---|---:|${hosts.map(() => "---:").join("|")}|---:|---:|---:|---:|`,
  ];
  for (const r of rows) {
    const cells = hosts.map((h) => {
      const p = r.points.find((q) => q.x === h);
      return p ? `${p.y.toFixed(2)} s` : "—";
    });
    const last = r.points.at(-1);
    const perTask =
      last?.cpu !== undefined ? `${((last.cpu / (last.x * r.tasksPerHost)) * 1000).toFixed(1)} ms` : "—";
    const f = r.fit;
    out.push(
      `| ${r.playbook} | ${r.tasksPerHost} | ${cells.join(" | ")} | ${f ? `${(f.slope * 1000).toFixed(1)} ms` : "—"} | ${f ? `${f.intercept.toFixed(2)} s` : "—"} | ${f ? f.r2.toFixed(3) : "—"} | ${perTask} |`,
    );
  }
  return out.join("\n");
}

/**
 * The issue's "cost growing linearly with hosts × tasks", read as: no faster than linear. Each playbook's cost per
 * added host must not rise as the hosts grow (the last step's increment per host at most 1.25× the first step's:
 * a quadratic cost would double it), and twice the tasks may at most double what each host adds (a host's login
 * and facts are paid once per run, so it adds less). R² shows how straight each line is; single runs on a shared
 * machine bend it either way, so it is reported, not judged.
 */
export function linearVerdict(rows) {
  const [one, two] = rows;
  const steps = rows.map((r) => {
    const p = r.points;
    if (p.length < 3) return undefined;
    const first = (p[1].y - p[0].y) / (p[1].x - p[0].x);
    const last = (p.at(-1).y - p.at(-2).y) / (p.at(-1).x - p.at(-2).x);
    return last / first;
  });
  const ratio = one?.fit && two?.fit ? two.fit.slope / one.fit.slope : undefined;
  const noFaster = steps.every((g) => g !== undefined && g <= 1.25);
  return {
    scenario: "linear",
    mode: "noop",
    want: "cost no faster than linear in hosts × tasks (per-host increment not rising with the hosts; twice the tasks, at most twice the cost per host)",
    found: `last/first per-host increment ${steps.map((g) => g?.toFixed(2) ?? "?").join(", ")}; R² ${rows.map((r) => r.fit?.r2.toFixed(3) ?? "?").join(", ")}; per-host cost ×${ratio?.toFixed(2) ?? "?"} for twice the tasks`,
    met: noFaster && ratio !== undefined && ratio <= 2.05,
  };
}
