/** Runs the real Ansible Templar (python3 + ansible 2.14) over a batch of cases, for comparison tests. */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export interface OracleCase {
  template: string;
  vars?: Record<string, unknown>;
  mode?: "template" | "when";
}
export type OracleResult = { type: string; repr: string } | { error: string };

const PYTHON = "/usr/bin/python3";
const script = fileURLToPath(new URL("./oracle/templar_oracle.py", import.meta.url));

export function ansibleAvailable(): boolean {
  return spawnSync(PYTHON, ["-c", "import ansible.template"], { stdio: "ignore" }).status === 0;
}

export function runOracle(cases: OracleCase[]): OracleResult[] {
  const res = spawnSync(PYTHON, [script], {
    input: JSON.stringify(cases),
    encoding: "utf8",
    maxBuffer: 64 << 20,
  });
  if (res.status !== 0) throw new Error(`oracle failed: ${res.stderr}`);
  return JSON.parse(res.stdout) as OracleResult[];
}
