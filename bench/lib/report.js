/** The benchmark's table (Markdown, as README shows it) and the targets' verdicts. */
const fmt = (s) => (s ? `${s.median.toFixed(2)} s (${s.min.toFixed(2)}–${s.max.toFixed(2)})` : "—");
const mb = (x) => (x === undefined ? "—" : `${Math.round(x)} MB`);

export function table(results) {
  const rows = [
    "| scenario | hosts | mode | ansible-playbook median (min–max) | infra apply median (min–max) | Ansible / infra | peak RSS Ansible / infra | infra SSH ops per host-task |",
    "|---|---:|---|---|---|---:|---|---:|",
  ];
  for (const r of results.scenarios) {
    const ratio = r.ansible && r.infra ? `${(r.ansible.median / r.infra.median).toFixed(1)}×` : "—";
    const rt = r.roundTrips ? (r.roundTrips.roundTrips / r.roundTrips.hostRuns).toFixed(2) : "—";
    rows.push(
      `| ${r.scenario} | ${r.hosts} | ${r.mode}${r.exitCode ? ` (exit ${r.exitCode} in both)` : ""} | ${fmt(r.ansible)} | ${fmt(r.infra)} | ${ratio} | ${mb(r.ansibleRssMB)} / ${mb(r.infraRssMB)} | ${rt} |`,
    );
  }
  for (const [label, g] of [
    ["infra check --lab 10", results.grade],
    ["infra check --lab 10 --no-drills", results.gradeNoDrills],
  ]) {
    if (!g) continue;
    rows.push(`| ${label} | ${g.hosts} | grade | — | ${fmt(g.time)} | — | — / ${mb(g.rssMB)} | — |`);
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
    if (t.seconds)
      out.push({
        ...t,
        found: `${r.infra.median.toFixed(2)} s`,
        met: r.infra.median <= t.seconds,
        want: `≤ ${t.seconds} s`,
      });
    if (t.rssMB && r.infraRssMB !== undefined)
      out.push({ ...t, found: mb(r.infraRssMB), met: r.infraRssMB <= t.rssMB, want: `≤ ${t.rssMB} MB RSS` });
  }
  return out;
}
