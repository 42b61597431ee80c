/**
 * Runs the real Ansible 2.14 tools so tests can compare our inventory with theirs. Each call runs from an empty
 * directory with a throw-away HOME and no ANSIBLE_* variables, so no stray ansible.cfg or group_vars/ leaks in.
 */
import { execFile, spawnSync } from "node:child_process";
import { promisify } from "node:util";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const hasAnsible = spawnSync("ansible-inventory", ["--version"]).status === 0;

const sandbox = mkdtempSync(join(tmpdir(), "infra-oracle-"));

function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("ANSIBLE_")) env[k] = v;
  return { ...env, HOME: sandbox, ANSIBLE_NOCOLOR: "1", ANSIBLE_LOCALHOST_WARNING: "False" };
}

const execFileAsync = promisify(execFile);

async function run(cmd: string, args: string[]): Promise<string> {
  return (await execFileAsync(cmd, args, { cwd: sandbox, env: cleanEnv(), encoding: "utf8" })).stdout;
}

/** Run async jobs with at most `width` at a time (each Ansible start costs about a second of CPU). */
export async function pooled<T>(jobs: (() => Promise<T>)[], width = 3): Promise<T[]> {
  const results: T[] = new Array<T>(jobs.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, jobs.length) }, worker));
  return results;
}

function sourceArgs(sources: string[]): string[] {
  return sources.flatMap((s) => ["-i", s]);
}

/** `ansible-inventory -i … --list [--playbook-dir DIR]`, parsed. */
export async function ansibleList(sources: string[], playbookDir?: string): Promise<Record<string, unknown>> {
  const pb = playbookDir ? ["--playbook-dir", playbookDir] : [];
  const out = await run("ansible-inventory", [...sourceArgs(sources), ...pb, "--list"]);
  return JSON.parse(out) as Record<string, unknown>;
}

/** `ansible-inventory -i … --host HOST [--playbook-dir DIR]`, parsed. */
export async function ansibleHost(
  sources: string[],
  host: string,
  playbookDir?: string,
): Promise<Record<string, unknown>> {
  const pb = playbookDir ? ["--playbook-dir", playbookDir] : [];
  const out = await run("ansible-inventory", [...sourceArgs(sources), ...pb, "--host", host]);
  return JSON.parse(out) as Record<string, unknown>;
}

/** `ansible PATTERN -i … --list-hosts [--limit L]`: host names in Ansible's order. */
export async function ansibleListHosts(
  sources: string[],
  pattern: string,
  limit?: string,
): Promise<string[]> {
  const lim = limit === undefined ? [] : ["--limit", limit];
  const out = await run("ansible", [pattern, ...sourceArgs(sources), ...lim, "--list-hosts"]);
  return out
    .split("\n")
    .slice(1)
    .map((l) => l.trim())
    .filter((l) => l);
}

/** Run ansible-inventory expecting a failure (strict mode); returns its stderr. */
export function ansibleInventoryError(sources: string[]): string {
  const r = spawnSync("ansible-inventory", [...sourceArgs(sources), "--list"], {
    cwd: sandbox,
    env: {
      ...cleanEnv(),
      ANSIBLE_INVENTORY_UNPARSED_FAILED: "True",
      ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED: "True",
    },
    encoding: "utf8",
  });
  return `${r.stdout}\n${r.stderr}`.replace(/\s+/g, " ");
}
