import { describe, expect, it } from "vitest";
import { detectEngine } from "../../../src/lab/engine.js";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { labUp } from "../../../src/lab/lab.js";
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
    // Through the command line, as a user would.
    const down = await run(process.execPath, [resolve("bin/infra.js"), "lab", "--name", LAB, "down"]);
    expect(down.code, down.stderr).toBe(0);
    expect(down.stderr).toContain("removed 50 container(s)");
    // Nothing of it is left: no container, no network, no files (keys, inventory, state).
    expect((await engine.exec(["network", "exists", state.network])).code).not.toBe(0);
    expect(existsSync(labHome(LAB))).toBe(false);
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
