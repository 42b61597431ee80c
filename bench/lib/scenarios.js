/**
 * What the benchmark runs. Each playbook scenario times the same hosts with both tools, alternating which goes
 * first, in three modes: converge (fresh containers before every run), no-op re-run, and --check.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";

export const SCENARIOS = [
  {
    id: "reference",
    lab: "bench",
    hosts: 3,
    playbook: "playbooks/infra.yaml",
    gradeAfter: true,
  },
  // Both tools with ssh_args that keep no connection between runs (no ControlMaster): every run logs in afresh.
  {
    id: "reference-unkept",
    lab: "bench",
    hosts: 3,
    playbook: "playbooks/infra.yaml",
    env: { ANSIBLE_SSH_ARGS: "-C -o ControlMaster=no" },
    modes: ["noop"],
  },
  { id: "scale-3", lab: "bench", hosts: 3, playbook: "bench/scale.yaml" },
  { id: "scale-50", lab: "bench50", hosts: 50, playbook: "bench/scale.yaml", big: true },
  // infra alone, no-op runs on 10, 25 and 50 of the same hosts, one and two plays (linear.js).
  { id: "linear", lab: "bench50", hosts: 50, big: true, kind: "linear" },
];

export const MODES = ["converge", "noop", "check"];

/**
 * How long after a tool's run a no-op or check run still counts as its re-run: Ansible's default ControlPersist
 * (60 s, which infra's default ssh_args share) less a margin for the run's own start.
 */
export const REUSE_WINDOW_MS = 50_000;

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
    env: { ANSIBLE_PIPELINING: "True", ANSIBLE_NOCOLOR: "1", ...s.env },
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
    env: { ANSIBLE_NOCOLOR: "1", PATH: NODE_FIRST_PATH, ...s.env },
  };
}

export function gradeCommand(inventory, drills = true) {
  return {
    cmd: "bin/infra",
    args: ["check", "-v", "-i", inventory, "--lab", "10", "--repo", ".", ...(drills ? [] : ["--no-drills"])],
    env: { PATH: NODE_FIRST_PATH },
  };
}

/**
 * The course-grading scenario's roster: COURSE_STUDENTS students, each graded on the given inventory with this
 * repository, 17 × 3 = 51 hosts graded (the 50). `write(inventory)` writes roster.csv and returns its path.
 */
export const COURSE_STUDENTS = 17;
export function courseRoster(root) {
  const dir = join(root, ".infra/bench-course");
  return {
    students: COURSE_STUDENTS,
    write(inventory) {
      mkdirSync(dir, { recursive: true });
      const lines = ["name,inventory,repo"];
      for (let i = 1; i <= COURSE_STUDENTS; i++)
        lines.push(`student${String(i).padStart(2, "0")},${inventory},${root}`);
      const file = join(dir, "roster.csv");
      writeFileSync(file, lines.join("\n") + "\n");
      return file;
    },
  };
}

/** Grades the roster with every student at once (--jobs = students), only reading the hosts. */
export function courseCommand(roster) {
  return {
    cmd: "bin/infra",
    args: [
      "check",
      "-v",
      "--roster",
      roster,
      "--jobs",
      String(COURSE_STUDENTS),
      "--lab",
      "10",
      "--no-drills",
      "--out-dir",
      join(dirname(roster), "reports"),
    ],
    env: { PATH: NODE_FIRST_PATH },
  };
}

/**
 * From `infra check -v`'s log: per student, how long the checks took once its hosts were connected and
 * discovered (the issue's "after connecting"). The longest of a run's students, in seconds; undefined if none.
 */
export function afterConnecting(stderr) {
  const ms = [...stderr.matchAll(/every check done (\d+) ms after connecting/g)].map((m) => Number(m[1]));
  return ms.length ? Math.max(...ms) / 1000 : undefined;
}
