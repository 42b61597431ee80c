/**
 * CPU time the lab hosts spend, read from their containers' cgroups: on one machine the hosts share the cores
 * with the controller, so a run's wall time cannot fall below (controller CPU + hosts' CPU) / cores, whichever
 * tool runs. Reading it for both tools shows where a run's time goes (an sshd login, a sudo, a Python start on
 * every host) and what floor a target meets.
 *
 * cgroup v1 keeps nanoseconds in cpuacct/<path>/cpuacct.usage, v2 microseconds in <path>/cpu.stat (usage_usec).
 * Where the engine does not say where a container's cgroup is, or the file cannot be read, the hosts' CPU is
 * unknown (undefined) and the tables say so; nothing is guessed.
 */
import { readFileSync } from "node:fs";
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { resolve } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** As src/lab/lab.ts labels a lab's containers: the project folder's hash and the lab's name. */
function labFilter(lab, cwd) {
  const project = createHash("sha256").update(resolve(cwd)).digest("hex").slice(0, 6);
  return ["--filter", `label=io.infra.project=${project}`, "--filter", `label=io.infra.lab=${lab}`];
}

/** Reads one container's CPU time in seconds, or undefined. */
function usageReader(cgroupPath) {
  const v1 = `/sys/fs/cgroup/cpuacct${cgroupPath}/cpuacct.usage`;
  const v2 = `/sys/fs/cgroup${cgroupPath}/cpu.stat`;
  return () => {
    try {
      return Number(readFileSync(v1, "utf8")) / 1e9;
    } catch {
      try {
        const m = /^usage_usec (\d+)$/m.exec(readFileSync(v2, "utf8"));
        return m ? Number(m[1]) / 1e6 : undefined;
      } catch {
        return undefined;
      }
    }
  };
}

/**
 * A function that returns the lab's hosts' total CPU seconds so far (undefined where unknown). Call it again
 * after a lab is recreated: the containers, and so their cgroups, are new.
 */
export async function hostCpuMeter(lab, cwd) {
  const engine = process.env.INFRA_ENGINE ?? "podman";
  try {
    const { stdout: ids } = await run(engine, ["ps", "-q", ...labFilter(lab, cwd)]);
    const list = ids.split("\n").filter(Boolean);
    if (!list.length) return () => undefined;
    const { stdout } = await run(engine, ["inspect", "--format", "{{.State.CgroupPath}}", ...list]);
    const readers = stdout
      .split("\n")
      .filter((p) => p.startsWith("/"))
      .map(usageReader);
    if (readers.length !== list.length) return () => undefined;
    return () => {
      let total = 0;
      for (const read of readers) {
        const s = read();
        if (s === undefined) return undefined;
        total += s;
      }
      return total;
    };
  } catch {
    return () => undefined;
  }
}
