/**
 * The reliability tests' own labs (faults, load50, secrets): they kill sshd, pause containers and add users, so they
 * never touch the shared lab "test". Helpers to run commands there and to act on a host's container.
 */
import { labDown, labUp } from "../../../src/lab/lab.js";
import { detectEngine } from "../../../src/lab/engine.js";
import { labHome, paths, type LabState } from "../../../src/lab/files.js";
import { run, type RunResult } from "../../../src/util/exec.js";
import { sshRunIn } from "../lab-helpers.js";

export interface OwnLab {
  name: string;
  state: LabState;
  inventory: string;
  knownHosts: string;
  key: string;
  ssh(host: string, command: string): Promise<RunResult>;
  container(host: string): string;
  /** `podman/docker ARGS…` for this lab's containers (pause, unpause, exec, start). */
  engine(args: string[]): Promise<RunResult>;
}

export async function ownLab(name: string, hosts: number): Promise<OwnLab> {
  const state = await labUp({ lab: name, hosts, log: (m) => process.stderr.write(`lab ${name}: ${m}\n`) });
  const p = paths(labHome(name));
  const engine = await detectEngine();
  return {
    name,
    state,
    inventory: p.inventory,
    knownHosts: p.knownHosts,
    key: p.key,
    ssh: (host, command) => sshRunIn(name, host, command),
    container: (host) => {
      const h = state.hosts.find((x) => x.name === host);
      if (!h) throw new Error(`no host ${host} in lab ${name}`);
      return h.container;
    },
    engine: (args) => engine.exec(args),
  };
}

/** Removes the lab when INFRA_KEEP_LABS is not set (CI machines are short of memory for 50 hosts). */
export async function dropLab(name: string): Promise<void> {
  if (process.env.INFRA_KEEP_LABS === "1") return;
  await labDown({ lab: name });
}

/** Runs `infra` from the built CLI in `cwd`. */
export function infraIn(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<RunResult> {
  return run(process.execPath, [`${process.cwd()}/bin/infra.js`, ...args], {
    cwd,
    env: { ...process.env, ANSIBLE_NOCOLOR: "1", ...env },
  });
}
