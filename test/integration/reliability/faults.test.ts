/**
 * Fault injection: while `infra apply` runs the reference playbook on three hosts, one host is taken away at a
 * seeded random moment — sshd killed inside it, the container paused (the host freezes), the container stopped, or
 * its network dropped (every packet in and out of its namespace). Every trial:
 * the other hosts finish; the broken host is reported UNREACHABLE/failed with a reason; every managed file holds its
 * old or its new content; once the host is back a re-run converges and a further run reports changed=0.
 * 4 trials (one per fault) in the normal run; 50 with INFRA_STRESS=1 (`npm run test:stress`). INFRA_FAULT_SEED
 * replays a series.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labUp } from "../../../src/lab/lab.js";
import { run } from "../../../src/util/exec.js";
import { recap } from "../engine/course-helpers.js";
import { partialFiles, snapshotHost, type HostSnapshot } from "./fault-snapshot.js";
import { dropLab, infraIn, ownLab, type OwnLab } from "./own-lab.js";
import { seededRandom } from "./seeded-random.js";

const LAB = "faults";
const HOSTS = ["mysql-1", "influx-1", "backup"];
const FAULTS = ["kill-sshd", "pause", "stop", "drop-network"] as const;
type Fault = (typeof FAULTS)[number];
const STRESS = process.env.INFRA_STRESS === "1";
const TRIALS = STRESS ? 50 : FAULTS.length;
const SEED = Number(process.env.INFRA_FAULT_SEED ?? 20240611);
/** How long the host stays away; a frozen one longer than infra's SSH keepalive needs to declare it lost (~1 min). */
const OUTAGE_MS: Record<Fault, number> = {
  "kill-sshd": 20_000,
  pause: 80_000,
  stop: 20_000,
  "drop-network": 80_000,
};

let lab: OwnLab;
const converged: Record<string, HostSnapshot> = {};
let convergedCounts: Record<string, Record<string, number>> = {};
/** How long a run with files to rewrite takes on this machine. */
let runMs = 0;

const apply = () => infraIn(process.cwd(), ["apply", "-i", lab.inventory, "playbooks/infra.yaml"]);

/** Undo what a previous run wrote, so the faulted run has files to change while the fault strikes. */
async function perturb(random: () => number): Promise<void> {
  const edits: Record<string, string[]> = {
    "mysql-1": [
      "echo '# perturbed' > /etc/cron.d/mysql-backup",
      "printf '[client]\\n# perturbed\\n' > /home/backup/.my.cnf",
    ],
    "influx-1": ["echo '# perturbed' > /etc/cron.d/influxdb-backup"],
    backup: [": > /home/student/.ssh/authorized_keys"],
  };
  for (const host of HOSTS) {
    const chosen = [...edits[host]!, ": > /home/backup/.ssh/known_hosts"].filter(() => random() < 0.7);
    if (chosen.length) await lab.ssh(host, `sudo sh -c "${chosen.join("; ")}"`);
  }
}

/**
 * Every packet in or out of the host's network namespace dropped (iptables run from this machine inside the
 * container's namespace, the container itself untouched): a cut cable, as its peers see it.
 */
async function network(host: string, action: "-I" | "-D"): Promise<void> {
  const pid = (
    await lab.engine(["inspect", "--format", "{{.State.Pid}}", lab.container(host)])
  ).stdout.trim();
  for (const chain of ["INPUT", "OUTPUT"]) {
    const r = await run("nsenter", ["-t", pid, "-n", "iptables", action, chain, "-j", "DROP"]);
    if (r.code !== 0) throw new Error(`iptables ${action} ${chain} in ${host}'s namespace: ${r.stderr}`);
  }
}

async function inject(fault: Fault, host: string): Promise<void> {
  const c = lab.container(host);
  if (fault === "drop-network") await network(host, "-I");
  else if (fault === "kill-sshd") await lab.engine(["exec", c, "pkill", "-KILL", "-x", "sshd"]);
  else if (fault === "pause") await lab.engine(["pause", c]);
  else await lab.engine(["stop", "-t", "0", c]);
}

async function recover(fault: Fault, host: string): Promise<void> {
  const c = lab.container(host);
  if (fault === "drop-network") await network(host, "-D");
  else if (fault === "kill-sshd") await lab.engine(["exec", c, "service", "ssh", "start"]);
  else if (fault === "pause") await lab.engine(["unpause", c]);
  // A stopped host boots again through the lab, which also waits until its services answer.
  else lab.state = await labUp({ lab: LAB });
  for (let i = 0; i < 60; i++) {
    if ((await lab.ssh(host, "true")).code === 0) return;
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`${host} did not come back after ${fault}`);
}

/** Lines like `fatal: [host]: UNREACHABLE! => {...}` or `fatal: [a -> b]: FAILED! => {...}` for one host. */
function fatalLines(stdout: string, host: string): string[] {
  return stdout
    .split("\n")
    .filter((l) => l.startsWith(`fatal: [${host}]`) || l.startsWith(`fatal: [${host} ->`));
}

describe("fault injection on the reference playbook", () => {
  beforeAll(async () => {
    lab = await ownLab(LAB, 3);
    // Converge once, then once more to read what a clean run reports and leaves.
    await apply();
    await perturb(seededRandom(SEED));
    const started = Date.now();
    await apply();
    runMs = Date.now() - started;
    const r = await apply();
    expect(r.code, r.stdout + r.stderr).toBe(0);
    convergedCounts = recap(r.stdout);
    for (const h of HOSTS) converged[h] = await snapshotHost(lab, h);
  }, 900_000);

  afterAll(async () => {
    // Leave no host paused or stopped, whatever happened.
    for (const h of HOSTS) await lab?.engine(["unpause", lab.container(h)]);
    if (lab) await labUp({ lab: LAB });
    await dropLab(LAB);
  }, 300_000);

  for (let trial = 0; trial < TRIALS; trial++) {
    const random = seededRandom(SEED + trial);
    const fault: Fault = STRESS ? FAULTS[Math.floor(random() * FAULTS.length)]! : FAULTS[trial]!;
    // The short series covers each fault on a client; the long one draws fault and host at random, the backup
    // server included (its trials are slow: the clients' duplicity retries its uploads while it is away).
    const victim = STRESS ? HOSTS[Math.floor(random() * HOSTS.length)]! : HOSTS[trial % 2]!;
    // A fraction of how long a run takes here (measured before the trials), so the fault strikes mid-run.
    const fraction = 0.05 + random() * 0.7;

    it(
      `trial ${trial} (seed ${SEED + trial}): ${fault} on ${victim} at ${Math.round(fraction * 100)}% of the run`,
      { timeout: 600_000 },
      async () => {
        await perturb(random);
        const before: Record<string, HostSnapshot> = {};
        for (const h of HOSTS) before[h] = await snapshotHost(lab, h);

        const delayMs = Math.round(fraction * runMs);
        const running = apply();
        let finished = false;
        void running.then(() => (finished = true));
        await new Promise((r) => setTimeout(r, delayMs));
        const struck = !finished;
        expect(struck, "the run ended before the fault; the trial would prove nothing").toBe(true);
        await inject(fault, victim);
        // The outage ends while the run may still go on: clients whose own commands talk to the victim (duplicity
        // on the clients ssh to the backup server) wait and retry as they would on a real network.
        let back: Promise<void> | undefined;
        const outage = setTimeout(() => (back = recover(fault, victim)), OUTAGE_MS[fault]);
        const r = await running;
        clearTimeout(outage);
        const out = r.stdout + r.stderr;
        await (back ?? recover(fault, victim));

        expect(out, out).not.toMatch(/Unexpected internal error|^\s+at .*:\d+:\d+\)?$/m);
        const counts = recap(r.stdout);
        process.stderr.write(
          `fault trial ${trial}: ${fault} on ${victim}, recap ${JSON.stringify(counts[victim])}\n`,
        );
        // The other hosts finish: they are in the recap and never reported unreachable themselves (only a task
        // delegated to the victim, shown as `[host -> victim]`). They may fail only when the victim is the backup
        // server, whose host key and uploads the clients' tasks need.
        for (const h of HOSTS.filter((x) => x !== victim)) {
          expect(counts[h], `${h} missing from the recap\n${out}`).toBeDefined();
          for (const line of fatalLines(r.stdout, h).filter((l) => l.includes("UNREACHABLE!")))
            expect(line, out).toContain(`-> ${victim}]`);
          if (victim !== "backup")
            expect(counts[h]!.failed! + counts[h]!.unreachable!, `${h}\n${out}`).toBe(0);
        }
        // The victim is reported with a reason, unless the fault came after it had done all its work.
        const v = counts[victim];
        const done = v && v.unreachable === 0 && v.failed === 0;
        if (done) {
          const total = (c: Record<string, number>) => c.ok! + c.skipped!;
          expect(total(v), `${victim} neither failed nor finished\n${out}`).toBe(
            total(convergedCounts[victim]!),
          );
        } else {
          expect(struck, out).toBe(true);
          const lines = fatalLines(r.stdout, victim);
          expect(lines.length, out).toBeGreaterThan(0);
          // The reason, or Ansible's censored notice when the task that was cut off is no_log (its result is
          // hidden whatever it says, an UNREACHABLE one included).
          expect(lines.join("\n"), out).toMatch(/"msg": "[^"]+|"censored": "the output has been hidden/);
          expect(r.code, out).not.toBe(0);
        }
        // No file is left partial anywhere.
        for (const h of HOSTS) {
          const after = await snapshotHost(lab, h);
          expect(partialFiles(after, before[h]!, converged[h]!), `${h} after ${fault} on ${victim}`).toEqual(
            [],
          );
        }
        // A re-run converges, and the next one has nothing left to do.
        const again = await apply();
        expect(again.code, again.stdout + again.stderr).toBe(0);
        const last = await apply();
        expect(last.code, last.stdout + last.stderr).toBe(0);
        for (const [h, c] of Object.entries(recap(last.stdout)))
          expect(c.changed, `${h}\n${last.stdout}`).toBe(0);
      },
    );
  }
});
