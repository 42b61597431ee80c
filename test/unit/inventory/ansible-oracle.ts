/**
 * Runs the real Ansible 2.14 tools so tests can compare our inventory with theirs. Each call runs from an empty
 * directory with a throw-away HOME and no ANSIBLE_* variables, so no stray ansible.cfg or group_vars/ leaks in.
 */
import { execFileSync, spawnSync } from "node:child_process";
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

function run(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { cwd: sandbox, env: cleanEnv(), encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

function sourceArgs(sources: string[]): string[] {
  return sources.flatMap((s) => ["-i", s]);
}

/** `ansible-inventory -i … --list [--playbook-dir DIR]`, parsed. */
export function ansibleList(sources: string[], playbookDir?: string): Record<string, unknown> {
  const pb = playbookDir ? ["--playbook-dir", playbookDir] : [];
  return JSON.parse(run("ansible-inventory", [...sourceArgs(sources), ...pb, "--list"])) as Record<string, unknown>;
}

/** `ansible-inventory -i … --host HOST [--playbook-dir DIR]`, parsed. */
export function ansibleHost(sources: string[], host: string, playbookDir?: string): Record<string, unknown> {
  const pb = playbookDir ? ["--playbook-dir", playbookDir] : [];
  return JSON.parse(run("ansible-inventory", [...sourceArgs(sources), ...pb, "--host", host])) as Record<string, unknown>;
}

/** `ansible PATTERN -i … --list-hosts [--limit L]`: host names in Ansible's order. */
export function ansibleListHosts(sources: string[], pattern: string, limit?: string): string[] {
  const lim = limit === undefined ? [] : ["--limit", limit];
  const out = run("ansible", [pattern, ...sourceArgs(sources), ...lim, "--list-hosts"]);
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
    env: { ...cleanEnv(), ANSIBLE_INVENTORY_UNPARSED_FAILED: "True", ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED: "True" },
    encoding: "utf8",
  });
  return `${r.stdout}\n${r.stderr}`.replace(/\s+/g, " ");
}
