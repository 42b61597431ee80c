/** The `infra lab` commands as a user types them, on the lab the other tests share (started by the global setup). */
import { describe, expect, it } from "vitest";
import { resolve } from "node:path";
import { detectEngine } from "../../../src/lab/engine.js";
import { run } from "../../../src/util/exec.js";
import { lab } from "../lab-helpers.js";

const infra = (...args: string[]) => run(process.execPath, [resolve("bin/infra.js"), ...args]);
const containerIds = async (names: string[]) => {
  const engine = await detectEngine();
  const r = await engine.exec(["inspect", "--format", "{{.Id}}", ...names]);
  return r.stdout.trim().split("\n");
};

describe("infra lab (command line)", () => {
  it("--version and --help answer without a stack trace", async () => {
    const v = await infra("--version");
    expect(v.code).toBe(0);
    expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const h = await infra("--help");
    expect(h.code).toBe(0);
    for (const cmd of ["apply", "check", "docs", "lab", "vault"])
      expect(h.stdout).toMatch(new RegExp(`^  ${cmd}\\b`, "m"));
    const labHelp = await infra("lab", "--help");
    for (const cmd of ["up", "down", "status", "ssh", "inventory"])
      expect(labHelp.stdout).toMatch(new RegExp(`^  ${cmd}\\b`, "m"));
  });

  it("a second `lab up` keeps every container (nothing recreated) and prints the inventory path", async () => {
    const { name, state, inventory } = lab();
    const before = await containerIds(state.hosts.map((h) => h.container));
    const started = Date.now();
    const up = await infra("lab", "--name", name, "up");
    const seconds = (Date.now() - started) / 1000;
    process.stderr.write(`second lab up: ${seconds.toFixed(1)} s\n`);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout.trim()).toBe(inventory);
    expect(await containerIds(state.hosts.map((h) => h.container))).toEqual(before);
  });

  it("status lists each host running with sshd answering; inventory prints the path", async () => {
    const { name, state, inventory } = lab();
    const s = await infra("lab", "--name", name, "status");
    expect(s.code, s.stdout + s.stderr).toBe(0);
    for (const h of state.hosts)
      expect(s.stdout).toMatch(
        new RegExp(`^${h.name}\\s+running\\s+127\\.0\\.0\\.1:${h.port}\\s+ssh ok`, "m"),
      );
    const i = await infra("lab", "--name", name, "inventory");
    expect(i.stdout.trim()).toBe(inventory);
  });

  it("ssh runs a command on a host as ubuntu (or --user root) and passes its exit code on", async () => {
    const { name } = lab();
    const r = await infra(
      "lab",
      "--name",
      name,
      "ssh",
      "mysql-1",
      "--",
      "sudo",
      "mysql",
      "-N",
      "-e",
      "'select 1'",
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe("1");
    const root = await infra("lab", "--name", name, "ssh", "--user", "root", "backup", "--", "id", "-un");
    expect(root.stdout.trim()).toBe("root");
    const failing = await infra("lab", "--name", name, "ssh", "backup", "--", "exit", "3");
    expect(failing.code).toBe(3);
    const unknown = await infra("lab", "--name", name, "ssh", "nosuchhost", "--", "true");
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain("no lab host named nosuchhost");
    expect(unknown.stderr).not.toMatch(/^\s+at /m);
  });

  it("status of a lab that is not up says so and exits 1", async () => {
    const s = await infra("lab", "--name", "never-started", "status");
    expect(s.code).toBe(1);
    expect(s.stderr).toContain('lab "never-started" is not up');
  });
});
