/**
 * Load: the reference playbook on many lab hosts with forks 50, run again and again inside ONE `infra apply`
 * (the same playbook given N times), so anything a run leaks stays in the process: every run must succeed, and
 * between runs the controller's open file descriptors, SSH connections and memory must stay flat.
 * 10 hosts × 4 runs in the normal run; 50 hosts × 10 runs with INFRA_STRESS=1 (`npm run test:stress`).
 */
import { spawn } from "node:child_process";
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dropLab, ownLab, type OwnLab } from "./own-lab.js";

const STRESS = process.env.INFRA_STRESS === "1";
const HOSTS = STRESS ? 50 : 10;
const RUNS = STRESS ? 10 : 4;
const LAB = "load50";

interface Sample {
  fds: number;
  sockets: number;
  rssKb: number;
}

/** What the process holds right now: open descriptors, the sockets among them, resident memory. */
function sample(pid: number): Sample {
  const fds = readdirSync(`/proc/${pid}/fd`);
  const sockets = fds.filter((fd) => {
    try {
      return readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith("socket:");
    } catch {
      return false; // closed between listing and reading
    }
  }).length;
  const rss = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return { fds: fds.length, sockets, rssKb: Number(rss?.[1] ?? 0) };
}

interface LoadRun {
  code: number;
  /** One sample as each playbook run starts (the first before any connection) and one after the last recap. */
  samples: Sample[];
  summaries: { hosts: Record<string, Record<string, number>> }[];
  stderr: string;
}

function applyRepeatedly(lab: OwnLab, times: number): Promise<LoadRun> {
  const playbooks = Array.from({ length: times }, () => "playbooks/infra.yaml");
  const child = spawn(
    process.execPath,
    ["bin/infra.js", "apply", "--json", "-f", "50", "-i", lab.inventory, ...playbooks],
    { env: { ...process.env, ANSIBLE_NOCOLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] },
  );
  const out: LoadRun = { code: -1, samples: [], summaries: [], stderr: "" };
  child.stderr.setEncoding("utf8").on("data", (d: string) => (out.stderr += d));
  const lines = createInterface({ input: child.stdout });
  lines.on("line", (line) => {
    if (!line.startsWith("{")) return;
    const event = JSON.parse(line) as { type: string; hosts?: Record<string, Record<string, number>> };
    if (event.type === "playbook_start" || event.type === "recap") {
      try {
        out.samples.push(sample(child.pid!));
      } catch {
        // the process is already gone
      }
    }
    if (event.type === "recap") out.summaries.push({ hosts: event.hosts! });
  });
  return new Promise((res) => child.on("close", (code) => res({ ...out, code: code ?? -1 })));
}

describe(`load: ${HOSTS} hosts, ${RUNS} runs of the reference playbook in one process, forks 50`, () => {
  let lab: OwnLab;
  let result: LoadRun;

  beforeAll(async () => {
    lab = await ownLab(LAB, HOSTS);
    // The first run installs and creates; the measured series starts from converged hosts.
    const first = await applyRepeatedly(lab, 1);
    expect(first.code, first.stderr).toBe(0);
    result = await applyRepeatedly(lab, RUNS);
    process.stderr.write(`load samples (start/end of each run): ${JSON.stringify(result.samples)}\n`);
  }, 3_600_000);

  afterAll(() => dropLab(LAB), 600_000);

  it("every run succeeds on every host", () => {
    expect(result.code, result.stderr).toBe(0);
    expect(result.summaries).toHaveLength(RUNS);
    for (const s of result.summaries) {
      expect(Object.keys(s.hosts)).toHaveLength(HOSTS);
      for (const [host, c] of Object.entries(s.hosts)) {
        expect(c.failed + c.unreachable, host).toBe(0);
        expect(c.changed, `${host} should be converged`).toBe(0);
      }
    }
  });

  it("no connection or file descriptor leaks: the counts after each run stay where the first run left them", () => {
    // samples: [start 1, recap 1, start 2, recap 2, …]; the recaps show what each run leaves open.
    const afterRuns = result.samples.filter((_, i) => i % 2 === 1);
    expect(afterRuns).toHaveLength(RUNS);
    const first = afterRuns[0]!;
    for (const [i, s] of afterRuns.entries()) {
      // One pooled connection per host at most, and no growth from run to run.
      expect(s.sockets, `run ${i + 1}: ${JSON.stringify(afterRuns)}`).toBeLessThanOrEqual(HOSTS + 5);
      expect(s.sockets - first.sockets, `run ${i + 1}: ${JSON.stringify(afterRuns)}`).toBeLessThanOrEqual(2);
      expect(s.fds - first.fds, `run ${i + 1}: ${JSON.stringify(afterRuns)}`).toBeLessThanOrEqual(4);
    }
  });

  it("memory stays flat: the last run ends within 25% of the second", () => {
    const afterRuns = result.samples.filter((_, i) => i % 2 === 1).map((s) => s.rssKb);
    // The first run warms caches (templates, compiled modules); compare against the second.
    const base = afterRuns[1]!;
    expect(afterRuns.at(-1)!, JSON.stringify(afterRuns)).toBeLessThanOrEqual(base * 1.25);
  });
});
