/**
 * What the benchmark runs. Each playbook scenario times the same hosts with both tools, alternating which goes
 * first, in three modes: converge (fresh containers before every run), no-op re-run, and --check.
 */
import { delimiter, dirname } from "node:path";

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

// infra runs as users run it, through bin/infra (the shell front that spares Node loading NODE_EXTRA_CA_CERTS at
// start-up), with the Node that runs the benchmark first on PATH.
const NODE_FIRST_PATH = `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ""}`;

export function ansibleCommand(s, inventory, mode) {
  return {
    cmd: "ansible-playbook",
    args: ["-i", inventory, "-f", String(s.hosts), s.playbook, ...(mode === "check" ? ["--check"] : [])],
    env: { ANSIBLE_PIPELINING: "True", ANSIBLE_NOCOLOR: "1" },
  };
}

export function infraCommand(s, inventory, mode) {
  return {
    cmd: "bin/infra",
    args: [
      "apply",
      "-i",
      inventory,
      "-f",
      String(s.hosts),
      s.playbook,
      ...(mode === "check" ? ["--check"] : []),
    ],
    env: { ANSIBLE_NOCOLOR: "1", PATH: NODE_FIRST_PATH },
  };
}

export function gradeCommand(inventory, drills = true) {
  return {
    cmd: "bin/infra",
    args: ["check", "-i", inventory, "--lab", "10", "--repo", ".", ...(drills ? [] : ["--no-drills"])],
    env: { PATH: NODE_FIRST_PATH },
  };
}
