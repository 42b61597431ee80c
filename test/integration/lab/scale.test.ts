import { describe, expect, it } from "vitest";
import { detectEngine } from "../../../src/lab/engine.js";
import { labDown, labUp } from "../../../src/lab/lab.js";
import { labHome, paths, readState } from "../../../src/lab/files.js";
import { mapLimit, run } from "../../../src/util/exec.js";

const LAB = "scale";

describe("infra lab --hosts 50", () => {
  it("brings up 50 reachable hosts and `down` clears them, leaving other labs alone", async () => {
    const state = await labUp({ lab: LAB, hosts: 50 });
    expect(state.hosts).toHaveLength(50);
    expect(state.hosts.slice(0, 4).map((h) => h.name)).toEqual(["mysql-1", "influx-1", "backup", "node-04"]);
    const home = paths(`${process.cwd()}/.infra/${LAB}`);
    const answers = await mapLimit(state.hosts, 10, (h) =>
      run("ssh", [
        "-q",
        "-o",
        "BatchMode=yes",
        "-o",
        "StrictHostKeyChecking=yes",
        "-o",
        `UserKnownHostsFile=${home.knownHosts}`,
        "-i",
        home.key,
        "-p",
        String(h.port),
        "ubuntu@127.0.0.1",
        "hostname",
      ]),
    );
    expect(answers.map((a) => a.stdout.trim())).toEqual(state.hosts.map((h) => h.name));

    const engine = await detectEngine();
    const removed = await labDown({ lab: LAB });
    expect(removed).toBe(50);
    const left = await engine.exec([
      "ps",
      "-a",
      "--filter",
      `label=io.infra.lab=${LAB}`,
      "--format",
      "{{.Names}}",
    ]);
    expect(left.stdout.trim()).toBe("");
    // The lab the other tests use (started by the global setup) is still up, every host of it.
    const other = readState(labHome("test"));
    expect(other?.hosts.length).toBeGreaterThan(0);
    for (const h of other?.hosts ?? []) {
      const r = await engine.exec(["inspect", "--format", "{{.State.Running}}", h.container]);
      expect(r.stdout.trim(), h.container).toBe("true");
    }
  }, 600_000);
});
