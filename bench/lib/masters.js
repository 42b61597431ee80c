/**
 * The connection masters a run leaves behind for the next: infra's control master (`infra __control-master`) and
 * OpenSSH's ControlMaster processes that ansible-playbook's ssh starts (`ssh: <path> [mux]`). Both detach from the
 * run, so GNU time, which sums the run's waited-for process tree, does not see them: the benchmark adds their CPU
 * time (before and after a run, from /proc) and their peak memory to the run's, for both tools alike, each tool
 * its own kind of master.
 */
import { readdirSync, readFileSync } from "node:fs";
import { controlSocketPath } from "../../dist/transport/control-path.js";

/** The benchmarked build's master only (another build's, e.g. a test run's, is not this run's doing). */
const OUR_SOCKET = controlSocketPath();

const TICKS_PER_SECOND = 100; // USER_HZ, the unit of /proc/<pid>/stat's utime and stime on Linux

function read(path) {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined; // the process ended meanwhile
  }
}

/**
 * pid → {cpu seconds, peak RSS MB} of the connection masters running now: infra's (tool "infra") or OpenSSH's
 * (tool "ansible").
 */
export function masters(tool) {
  const out = new Map();
  if (tool !== "infra" && tool !== "ansible") return out; // a run that uses none (infra check)
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    const cmdline = read(`/proc/${pid}/cmdline`)?.replace(/\0/g, " ") ?? "";
    const wanted =
      tool === "infra"
        ? OUR_SOCKET !== undefined && cmdline.includes(`__control-master ${OUR_SOCKET} `)
        : /^ssh: .*\[mux\]/.test(cmdline);
    if (!wanted) continue;
    const stat = read(`/proc/${pid}/stat`);
    const status = read(`/proc/${pid}/status`);
    if (!stat || !status) continue;
    // Fields after the command name (which may hold spaces) start at ") ": utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const cpu = (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
    const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
    out.set(pid, { cpu, rssMB: hwm ? Number(hwm[1]) / 1024 : 0 });
  }
  return out;
}

/**
 * What the masters spent between two snapshots (new ones in full), and the peak memory of those the run started
 * or used (new, or busy meanwhile): idle masters of other runs, e.g. of other labs, are not this run's.
 */
export function mastersDelta(before, after) {
  let cpu = 0;
  let rssMB = 0;
  for (const [pid, now] of after) {
    const was = before.get(pid);
    const spent = now.cpu - (was?.cpu ?? 0);
    cpu += spent;
    if (!was || spent > 0) rssMB += now.rssMB;
  }
  return { cpu, rssMB };
}
