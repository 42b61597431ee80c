import { mkdtempSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { detectEngine } from "../../../src/lab/engine.js";
import { buildImage } from "../../../src/lab/image.js";
import { InfraError } from "../../../src/util/errors.js";
import { run } from "../../../src/util/exec.js";

const cli = join(process.cwd(), "bin/infra.js");

describe("infra lab errors", () => {
  it("without any container engine, says what to install (no stack trace)", async () => {
    const bin = mkdtempSync(join(tmpdir(), "infra-noengine-"));
    symlinkSync(process.execPath, join(bin, "node"));
    const r = await run(join(bin, "node"), [cli, "lab", "up"], { env: { PATH: bin, HOME: tmpdir() } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("no container engine found");
    expect(r.stderr).toContain("apt-get install podman");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("rejects an unknown INFRA_ENGINE with the allowed names", async () => {
    const r = await run(process.execPath, [cli, "lab", "status"], {
      env: { ...process.env, INFRA_ENGINE: "lxc" },
    });
    expect(r.code).toBe(5);
    expect(r.stderr).toContain("INFRA_ENGINE=lxc");
    expect(r.stderr).toContain("podman or docker");
  });

  it("a failing image build names the step that failed", async () => {
    const engine = await detectEngine();
    const saved = process.env.INFRA_LAB_MIRROR;
    process.env.INFRA_LAB_MIRROR = "http://127.0.0.1:9/debian"; // nothing listens there: apt's update fails
    try {
      await buildImage(engine, "localhost/infra-lab:must-not-exist", "mmdebstrap", () => {});
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InfraError);
      expect((e as InfraError).message).toMatch(/mmdebstrap failed at step "[^"]+"/);
      expect((e as InfraError).hint).toMatch(/127\.0\.0\.1:9/);
    } finally {
      if (saved === undefined) delete process.env.INFRA_LAB_MIRROR;
      else process.env.INFRA_LAB_MIRROR = saved;
    }
    expect((await engine.exec(["image", "inspect", "localhost/infra-lab:must-not-exist"])).code).not.toBe(0);
  });
});
