/** The benchmark's table (Markdown, as README shows it) and the targets' verdicts. */
const fmt = (s) => (s ? `${s.median.toFixed(2)} s (${s.min.toFixed(2)}–${s.max.toFixed(2)})` : "—");
const mb = (x) => (x === undefined ? "—" : `${Math.round(x)} MB`);
/** Median CPU seconds of a tool's runs, controller + hosts ("?" where the hosts' CPU could not be read). */
const cpuText = (c) =>
  c?.controller ? `${c.controller.median.toFixed(2)} + ${c.hosts ? c.hosts.median.toFixed(2) : "?"}` : "—";

/**
 * The least wall time a run's work allows on this machine: its CPU (controller + hosts, medians) spread over every
 * core. Undefined where the hosts' CPU is unknown.
 */
export function cpuFloor(row) {
  return floorOf(row.infraCpu, row.cores);
}

/** (controller + hosts CPU medians) / cores, or undefined where either is unknown. */
function floorOf(cpu, cores) {
  if (!cpu?.controller || !cpu.hosts || !cores) return undefined;
  return (cpu.controller.median + cpu.hosts.median) / cores;
}

/** A time verdict's finding: the median, and the floor its CPU sets where known. */
function timeFound(seconds, floor, cores) {
  const why = ` (its CPU, controller + hosts over ${cores} cores, allows no less than ${floor?.toFixed(2)} s here)`;
  return `${seconds.toFixed(2)} s${floor === undefined ? "" : why}`;
}

/** ", 1.23 s after connecting" for a grading row whose log gave it. */
const after = (g) => (g.afterConnecting ? `, ${g.afterConnecting.median.toFixed(2)} s after connecting` : "");

export function table(results) {
  const rows = [
    "| scenario | hosts | mode | ansible-playbook median (min–max) | infra apply median (min–max) | Ansible / infra | CPU s, controller + hosts: Ansible / infra | peak RSS Ansible / infra | infra SSH ops per host-task |",
    "|---|---:|---|---|---|---:|---|---|---:|",
  ];
  for (const r of results.scenarios) {
    const ratio = r.ansible && r.infra ? `${(r.ansible.median / r.infra.median).toFixed(1)}×` : "—";
    const rt = r.roundTrips ? (r.roundTrips.roundTrips / r.roundTrips.hostRuns).toFixed(2) : "—";
    rows.push(
      `| ${r.scenario} | ${r.hosts} | ${r.mode}${r.exitCode ? ` (exit ${r.exitCode} in both)` : ""} | ${fmt(r.ansible)} | ${fmt(r.infra)} | ${ratio} | ${cpuText(r.ansibleCpu)} / ${cpuText(r.infraCpu)} | ${mb(r.ansibleRssMB)} / ${mb(r.infraRssMB)} | ${rt} |`,
    );
  }
  for (const g of [results.grade, results.gradeNoDrills, results.gradeCourse]) {
    if (!g) continue;
    const label = g.label ?? "infra check --lab 10";
    rows.push(
      `| ${label} | ${g.hosts} | grade | — | ${fmt(g.time)}${after(g)} | — | — / ${cpuText(g.cpu)} | — / ${mb(g.rssMB)} | — |`,
    );
  }
  return rows.join("\n");
}

export function verdicts(results) {
  const out = [];
  for (const t of results.targets) {
    const r = results.scenarios.find((x) => x.scenario === t.scenario && x.mode === t.mode);
    if (!r?.infra) continue;
    if (t.ratio && r.ansible) {
      const ratio = r.ansible.median / r.infra.median;
      out.push({ ...t, found: `${ratio.toFixed(1)}×`, met: ratio >= t.ratio, want: `≥ ${t.ratio}×` });
    }
    if (t.seconds) {
      out.push({
        ...t,
        found: timeFound(r.infra.median, cpuFloor(r), r.cores),
        met: r.infra.median <= t.seconds,
        want: `≤ ${t.seconds} s`,
      });
    }
    if (t.rssMB && r.infraRssMB !== undefined)
      out.push({ ...t, found: mb(r.infraRssMB), met: r.infraRssMB <= t.rssMB, want: `≤ ${t.rssMB} MB RSS` });
  }
  const g = results.gradeNoDrills;
  if (g?.time) {
    // The time from the hosts connected and discovered to the last check's answer (infra check -v), over the
    // hosts; where the log did not give it, the whole run's, Node's start and the connections included.
    const after = g.afterConnecting;
    const perHost = (after ?? g.time).median / g.hosts;
    out.push({
      scenario: "infra check --lab 10 --no-drills",
      mode: "grade",
      want: "≤ 0.5 s per host after connecting",
      found: after
        ? `${perHost.toFixed(2)} s per host (${after.median.toFixed(2)} s for ${g.hosts} hosts after connecting, ${g.time.median.toFixed(2)} s in all)`
        : `${perHost.toFixed(2)} s per host with Node's start and the connections included`,
      met: perHost <= 0.5,
    });
  }
  const c = results.gradeCourse;
  if (c?.time) {
    const cores = results.machine?.cpus;
    out.push({
      scenario: `infra check, ${c.hosts} hosts`,
      mode: "grade",
      want: "≤ 5 s",
      found: timeFound(c.time.median, floorOf(c.cpu, cores), cores),
      met: c.time.median <= 5,
    });
  }
  return out;
}
