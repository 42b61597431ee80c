import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { drillDocument, splitOutput, stepScript, type Exec } from "../../../src/docs/drill.js";
import { matcher } from "../../../src/checks/lib/probe-output.js";

const DOC = [
  "## MySQL",
  "",
  "As root:",
  "",
  "```sh",
  "cd /tmp",
  "step-two",
  "sudo -i -u backup",
  "step-three",
  "```",
].join("\n");

/** A host that records scripts and answers from a table of command → [rc, output]. */
function fakeHost(answers: Record<string, [number, string]>) {
  const scripts: string[] = [];
  const exec: Exec = async (script) => {
    scripts.push(script);
    const hit = Object.keys(answers).find((c) => script.includes(c));
    const [rc, out] = hit ? answers[hit]! : [0, ""];
    const cwd = script.includes("cd /tmp") || script.includes("'/tmp'") ? "/tmp" : "/root";
    return { rc, out: `${out}\n__infra_drill_cwd|${cwd}\n` };
  };
  return { exec, scripts };
}

describe("the drill", () => {
  it("runs every command of the section, in rounds, each verified; later commands keep the directory", async () => {
    const host = fakeHost({});
    const verified: number[] = [];
    const report = await drillDocument(DOC, {
      heading: matcher("/mysql/i"),
      connect: async () => host.exec,
      verify: async (_e, round) => (verified.push(round), "ok"),
      passed: (v) => v === "ok",
    });
    expect(report.rounds.map((r) => [r.round, r.steps.length, r.failed, r.verified])).toEqual([
      [1, 3, undefined, "ok"],
      [2, 3, undefined, "ok"],
    ]);
    expect(verified).toEqual([1, 2]);
    // step-two runs where `cd /tmp` left the shell; step-three as backup, through sudo, from its own home.
    expect(host.scripts[1]).toContain("cd /tmp 2>/dev/null || cd;");
    expect(host.scripts[2]).toMatch(/^sudo -H -n -u backup -- \/bin\/bash -c /);
  });

  it("stops at the first command that fails, with its output, and verifies nothing", async () => {
    const host = fakeHost({ "step-two": [23, "rsync: connection refused"] });
    const report = await drillDocument(DOC, {
      heading: matcher("/mysql/i"),
      connect: async () => host.exec,
      verify: async () => "ok",
      passed: () => true,
    });
    expect(report.rounds).toHaveLength(1);
    const f = report.rounds[0]!.failed!;
    expect([f.step.command, f.step.line, f.rc, f.output.trim()]).toEqual([
      "step-two",
      7,
      23,
      "rsync: connection refused",
    ]);
    expect(report.rounds[0]!.verified).toBeUndefined();
    expect(host.scripts).toHaveLength(2);
  });

  it("stops after a round whose verification failed", async () => {
    const report = await drillDocument(DOC, {
      heading: matcher("/mysql/i"),
      connect: async () => fakeHost({}).exec,
      verify: async () => "differs",
      passed: (v) => v === "ok",
    });
    expect(report.rounds).toHaveLength(1);
  });

  it("runs nothing for a missing section", async () => {
    const report = await drillDocument(DOC, {
      heading: matcher("/influx/i"),
      connect: async () => fakeHost({}).exec,
      verify: async () => 1,
      passed: () => true,
    });
    expect(report).toEqual({ section: undefined, rounds: [] });
  });

  it("a step script runs as root in bash, interleaves output and reports the directory it ended in", () => {
    const script = stepScript(
      { command: "cd /tmp && echo out && echo err >&2", line: 1, user: "root" },
      undefined,
    );
    const ran = spawnSync("/bin/sh", ["-c", script], { encoding: "utf8" });
    expect(ran.status).toBe(0);
    expect(splitOutput(ran.stdout)).toEqual({ output: "out\nerr\n", cwd: "/tmp" });
    const failed = spawnSync("/bin/sh", [
      "-c",
      stepScript({ command: "exit 7", line: 1, user: "root" }, "/tmp"),
    ]);
    expect(failed.status).toBe(7);
    expect(splitOutput("hello\n\n__infra_drill_cwd|/srv\n")).toEqual({ output: "hello\n", cwd: "/srv" });
    expect(splitOutput("killed")).toEqual({ output: "killed" });
  });
});
