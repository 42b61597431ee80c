/**
 * What the benchmark runs. Each playbook scenario times the same hosts with both tools, alternating which goes
 * first, in three modes: converge (fresh containers before every run), no-op re-run, and --check.
 */
export const SCENARIOS = [
  {
    id: "reference",
    lab: "bench",
    hosts: 3,
    playbook: "playbooks/infra.yaml",
    gradeAfter: true,
  },
  { id: "scale-3", lab: "bench", hosts: 3, playbook: "bench/scale.yaml" },
  { id: "scale-50", lab: "bench50", hosts: 50, playbook: "bench/scale.yaml", big: true },
];

export const MODES = ["converge", "noop", "check"];

/** The targets, checked against the medians. */
export const TARGETS = [
  { scenario: "reference", mode: "noop", ratio: 20 },
  { scenario: "reference", mode: "converge", ratio: 10 },
  { scenario: "reference", mode: "check", ratio: 20 },
  { scenario: "scale-3", mode: "noop", ratio: 20 },
  { scenario: "scale-3", mode: "converge", ratio: 10 },
  { scenario: "scale-3", mode: "check", ratio: 20 },
  { scenario: "scale-50", mode: "noop", seconds: 1.5, rssMB: 200 },
];

export function ansibleCommand(s, inventory, mode) {
  return {
    cmd: "ansible-playbook",
    args: ["-i", inventory, "-f", String(s.hosts), s.playbook, ...(mode === "check" ? ["--check"] : [])],
    env: { ANSIBLE_PIPELINING: "True", ANSIBLE_NOCOLOR: "1" },
  };
}

export function infraCommand(s, inventory, mode) {
  return {
    cmd: process.execPath,
    args: [
      "bin/infra.js",
      "apply",
      "-i",
      inventory,
      "-f",
      String(s.hosts),
      s.playbook,
      ...(mode === "check" ? ["--check"] : []),
    ],
    env: { ANSIBLE_NOCOLOR: "1" },
  };
}

export function gradeCommand(inventory, drills = true) {
  return {
    cmd: process.execPath,
    args: [
      "bin/infra.js",
      "check",
      "-i",
      inventory,
      "--lab",
      "10",
      "--repo",
      ".",
      ...(drills ? [] : ["--no-drills"]),
    ],
    env: {},
  };
}
