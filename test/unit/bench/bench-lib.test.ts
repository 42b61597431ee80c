/**
 * The benchmark's arithmetic: the least-squares line behind the linearity verdict, the verdict itself, and the CPU
 * floor the tables quote (bench/lib). The benchmark runs for minutes on lab hosts; these run its numbers alone.
 */
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
// @ts-expect-error plain JavaScript without types
import { fitLine, linearTable, linearVerdict } from "../../../bench/lib/linear.js";
// @ts-expect-error plain JavaScript without types
import { cpuFloor, verdicts } from "../../../bench/lib/report.js";
// @ts-expect-error plain JavaScript without types
import { parseRecap, timed } from "../../../bench/lib/measure.js";
// @ts-expect-error plain JavaScript without types
import { afterConnecting } from "../../../bench/lib/scenarios.js";
// @ts-expect-error plain JavaScript without types
import { mastersDelta } from "../../../bench/lib/masters.js";

const points = (ys: number[], xs = [10, 25, 50]) => xs.map((x, i) => ({ x, y: ys[i]! }));

describe("fitLine", () => {
  it("finds the line through points on it, with R² 1", () => {
    const f = fitLine(points([0.3 + 0.05 * 10, 0.3 + 0.05 * 25, 0.3 + 0.05 * 50]));
    expect(f.slope).toBeCloseTo(0.05, 10);
    expect(f.intercept).toBeCloseTo(0.3, 10);
    expect(f.r2).toBeCloseTo(1, 10);
  });

  it("says a curve is not a line", () => {
    const quadratic = fitLine(points([1, 25, 100], [1, 5, 10]));
    expect(quadratic.r2).toBeLessThan(0.98);
  });
});

describe("linearVerdict", () => {
  const row = (ys: number[], tasksPerHost: number) => ({
    playbook: `p${tasksPerHost}`,
    tasksPerHost,
    points: points(ys),
    fit: fitLine(points(ys)),
  });

  it("is met when each host adds no more as hosts grow and twice the tasks cost less than twice per host", () => {
    const v = linearVerdict([row([0.9, 1.8, 3.3], 9), row([1.0, 2.1, 3.9], 18)]);
    expect(v.met).toBe(true);
    expect(v.found).toMatch(/per-host cost ×1\.\d\d/);
    // Cheaper per host at scale (the bench's own 0.68, 1.93, 3.14 s) is no faster than linear either.
    expect(linearVerdict([row([0.68, 1.93, 3.14], 9), row([0.84, 2.0, 4.14], 18)]).met).toBe(true);
  });

  it("is missed when the cost grows faster than the hosts", () => {
    expect(linearVerdict([row([0.5, 2, 8], 9), row([1, 4, 16], 18)]).met).toBe(false);
    // Quadratic in the hosts: 10 → 25 adds 0.045 s a host, 25 → 50 adds 0.085 s.
    const quad = (n: number) => 0.001 * n * n + 0.01 * n;
    expect(
      linearVerdict([
        row([10, 25, 50].map(quad), 9),
        row(
          [10, 25, 50].map((n) => 2 * quad(n)),
          18,
        ),
      ]).met,
    ).toBe(false);
  });

  it("is missed when twice the tasks cost more than twice per host", () => {
    expect(linearVerdict([row([0.5, 1, 1.8], 9), row([0.5, 2, 4.5], 18)]).met).toBe(false);
  });

  it("tabulates each playbook's times, slope, intercept and R²", () => {
    const text = linearTable([row([0.9, 1.8, 3.3], 9)]);
    expect(text).toContain("| p9 | 9 | 0.90 s | 1.80 s | 3.30 s |");
    expect(text).toMatch(/\| 1\.000 \|/);
  });
});

describe("CPU floor and verdicts", () => {
  const cpu = (controller: number, hosts: number) => ({
    controller: { median: controller, min: controller, max: controller, n: 1 },
    hosts: { median: hosts, min: hosts, max: hosts, n: 1 },
  });

  it("spreads the run's CPU, controller and hosts, over the machine's cores", () => {
    expect(cpuFloor({ infraCpu: cpu(1, 4), cores: 2 })).toBeCloseTo(2.5, 10);
    expect(cpuFloor({ infraCpu: { controller: cpu(1, 4).controller }, cores: 2 })).toBeUndefined();
  });

  it("quotes the floor beside a missed time target", () => {
    const s = (median: number) => ({ median, min: median, max: median, n: 1 });
    const out = verdicts({
      targets: [{ scenario: "scale-50", mode: "noop", seconds: 1.5 }],
      scenarios: [
        {
          scenario: "scale-50",
          mode: "noop",
          infra: s(2.9),
          ansible: s(70),
          infraCpu: cpu(1.1, 4.5),
          cores: 2,
        },
      ],
    });
    expect(out).toEqual([
      expect.objectContaining({ met: false, found: expect.stringContaining("no less than 2.80 s") }),
    ]);
  });
});

describe("grading after connecting", () => {
  const s = (median: number) => ({ median, min: median, max: median, n: 1 });

  it("reads the slowest student's time after connecting from infra check -v", () => {
    const log = [
      "check: student01: 3 host(s) connected and discovered in 310 ms",
      "check: student01: every check done 1210 ms after connecting",
      "check: student02: every check done 1650 ms after connecting",
    ].join("\n");
    expect(afterConnecting(log)).toBeCloseTo(1.65, 10);
    expect(afterConnecting("no such line")).toBeUndefined();
  });

  it("judges the per-host target on the time after connecting, the whole run's only without it", () => {
    const judge = (g: object) =>
      verdicts({ targets: [], scenarios: [], gradeNoDrills: { hosts: 3, time: s(1.9), ...g } })[0];
    expect(judge({ afterConnecting: s(1.2) })).toMatchObject({
      met: true,
      found: expect.stringMatching(/^0.40 s per host/),
    });
    expect(judge({ afterConnecting: s(1.8) })).toMatchObject({ met: false });
    expect(judge({})).toMatchObject({ met: false, found: expect.stringContaining("connections included") });
  });
});

describe("connection masters", () => {
  it("charges a run the CPU its masters spent and the memory of those it started or used, not idle ones", () => {
    const snap = (entries: [string, number, number][]) =>
      new Map(entries.map(([pid, cpu, rssMB]) => [pid, { cpu, rssMB }]));
    const before = snap([
      ["10", 1.0, 80],
      ["11", 0.5, 5],
    ]);
    const after = snap([
      ["10", 1.25, 90], // used: CPU and memory
      ["11", 0.5, 5], // idle, another run's
      ["12", 0.25, 70], // started by this run
    ]);
    const d = mastersDelta(before, after);
    expect(d.cpu).toBeCloseTo(0.5, 10);
    expect(d.rssMB).toBe(160);
  });
});

describe("timed", () => {
  it("measures a real command's wall time, exit code, controller CPU and PLAY RECAP", async () => {
    const dir = mkdtempSync(join(tmpdir(), "bench-test-"));
    try {
      const script = join(dir, "busy.js");
      // Burns ~0.2 s of CPU, then prints a recap line as ansible-playbook does, and exits 2.
      writeFileSync(
        script,
        `const t = Date.now(); while (Date.now() - t < 200); console.log("PLAY RECAP ***\\nh1 : ok=3 changed=1 failed=0"); process.exit(2);`,
      );
      let meterReads = 0;
      const r = await timed(process.execPath, [script], { hostCpu: () => 10 + meterReads++ });
      expect(r.code).toBe(2);
      expect(r.seconds).toBeGreaterThanOrEqual(0.2);
      expect(r.recap).toEqual({ h1: { ok: 3, changed: 1, failed: 0 } });
      expect(r.hostsCpu).toBe(1);
      if (r.controllerCpu !== undefined) expect(r.controllerCpu).toBeGreaterThanOrEqual(0.15);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reads the recap that comes last", () => {
    expect(parseRecap("PLAY RECAP\na : ok=1\nPLAY RECAP\nb : ok=2 changed=0\n")).toEqual({
      b: { ok: 2, changed: 0 },
    });
  });
});
