/** Shared helpers for the playbook loader tests: fixture paths, a module oracle, and running real Ansible. */
import { execFileSync, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { InfraError } from "../../../src/util/errors.js";
import { loadPlaybook } from "../../../src/playbook/index.js";

export const FIXTURES = fileURLToPath(new URL("../../fixtures/playbook/", import.meta.url));

export function fixture(...parts: string[]): string {
  return join(FIXTURES, ...parts);
}

const MODULES = new Set([
  "debug",
  "ping",
  "command",
  "shell",
  "raw",
  "script",
  "file",
  "copy",
  "set_fact",
  "service",
  "apt",
  "mysql_user",
  "influxdb_database",
  "validate_argument_spec",
]);

/** Stands in for the module registry: short names and FQCNs of a few modules. */
export function isModule(name: string): boolean {
  return MODULES.has(name.split(".").pop() as string);
}

export function load(...parts: string[]) {
  return loadPlaybook(fixture(...parts), { isModule });
}

/** The InfraError loading a fixture throws (fails the test if it loads). */
export function loadError(...parts: string[]): InfraError {
  try {
    load(...parts);
  } catch (e) {
    if (e instanceof InfraError) return e;
    throw e;
  }
  throw new Error(`${parts.join("/")} loaded without error`);
}

export const hasAnsible = spawnSync("ansible-playbook", ["--version"], { stdio: "ignore" }).status === 0;

/** ansible-playbook's stdout for a fixture (cwd = fixtures dir so paths print the same). */
export function ansiblePlaybook(args: string[]): string {
  return execFileSync("ansible-playbook", ["-i", "localhost,", ...args], {
    cwd: FIXTURES,
    encoding: "utf8",
    env: { ...process.env, ANSIBLE_NOCOLOR: "1", ANSIBLE_LOCALHOST_WARNING: "0" },
    stdio: ["ignore", "pipe", "ignore"],
  });
}

/** Ansible prints a play's own tags from a Python set (random order): sort them so outputs compare. */
export function normalisePlayTags(text: string): string {
  return text.replace(
    /(play #\d+ \([^)]*\): [^\t]*\tTAGS: \[)([^\]]*)\]/g,
    (_m, head: string, tags: string) => {
      const sorted = tags === "" ? "" : tags.split(",").sort().join(",");
      return `${head}${sorted}]`;
    },
  );
}
