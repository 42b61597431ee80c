/**
 * A checkout made again at the same path (CI clones) finds the earlier checkout's containers under the same names,
 * but its lab folder, and so its keys, are new. `up` must not adopt those containers: their sshd would present
 * host keys the new known_hosts does not list.
 */
import { rmSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { detectEngine } from "../../../src/lab/engine.js";
import { labHome } from "../../../src/lab/files.js";
import { labDown, labUp } from "../../../src/lab/lab.js";
import { sshRunIn } from "../lab-helpers.js";

const LAB = "freshkeys";

describe("infra lab up after its folder was removed", () => {
  afterAll(() => labDown({ lab: LAB }));

  it("recreates the containers that carry the old keys, and strict host-key checking passes", async () => {
    const engine = await detectEngine();
    const first = await labUp({ lab: LAB, hosts: 1 });
    const [host] = first.hosts;
    const before = await engine.must(["inspect", "--format", "{{.Id}}", host!.container], "inspect");

    rmSync(labHome(LAB), { recursive: true, force: true });
    await labUp({ lab: LAB, hosts: 1 });
    const after = await engine.must(["inspect", "--format", "{{.Id}}", host!.container], "inspect");
    expect(after.trim()).not.toBe(before.trim());

    const r = await sshRunIn(LAB, host!.name, "hostname");
    expect(r.stderr).toBe("");
    expect(r.stdout.trim()).toBe(host!.name);

    // With the folder kept, a further `up` adopts the container as before.
    await labUp({ lab: LAB, hosts: 1 });
    const kept = await engine.must(["inspect", "--format", "{{.Id}}", host!.container], "inspect");
    expect(kept.trim()).toBe(after.trim());
  }, 300_000);
});
