/** A throwaway copy of the course-shaped fixture repository, wired to lab hosts through its own `hosts` file. */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { run, type RunResult } from "../../../src/util/exec.js";

export const FIXTURE = resolve("test/fixtures/course-repo");
const CLI = resolve("bin/infra.js");

/** Copies the fixture to a temporary folder and gives it the lab's inventory as `hosts`. */
export function courseRepo(inventory: string): string {
  const dir = mkdtempSync(join(tmpdir(), "infra-course-"));
  cpSync(FIXTURE, dir, { recursive: true });
  writeFileSync(join(dir, "hosts"), readFileSync(inventory, "utf8"));
  return dir;
}

export function infra(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<RunResult> {
  return run(process.execPath, [CLI, ...args], {
    cwd,
    env: { ...process.env, ANSIBLE_NOCOLOR: "1", ...env },
  });
}

export function ansiblePlaybook(cwd: string, args: string[]): Promise<RunResult> {
  return run("ansible-playbook", args, {
    cwd,
    env: { ...process.env, ANSIBLE_NOCOLOR: "1", ANSIBLE_FORCE_COLOR: "0" },
  });
}

/** PLAY RECAP lines as {host: {ok, changed, …}}. */
export function recap(stdout: string): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  const at = stdout.lastIndexOf("PLAY RECAP");
  for (const line of stdout.slice(at).split("\n").slice(1)) {
    const m = /^(\S+)\s+:\s+(.*)$/.exec(line.trim());
    if (!m) continue;
    out[m[1]!] = Object.fromEntries([...m[2]!.matchAll(/(\w+)=(\d+)/g)].map((x) => [x[1]!, Number(x[2])]));
  }
  return out;
}
