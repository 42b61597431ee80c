/** Small helpers for integration tests: run commands on lab hosts with the system's OpenSSH client. */
import { inject } from "vitest";
import { paths } from "../../src/lab/files.js";
import { run, type RunResult } from "../../src/util/exec.js";

export function lab() {
  return inject("lab");
}

export function labHost(name: string) {
  const h = lab().state.hosts.find((x) => x.name === name);
  if (!h) throw new Error(`no lab host ${name}`);
  return h;
}

/** `ssh ubuntu@host CMD` with the lab's key and strict host-key checking against the lab's known_hosts. */
export function sshRun(host: string, command: string, user = "ubuntu"): Promise<RunResult> {
  const p = paths(lab().home);
  return run("ssh", [
    "-q",
    "-o",
    "BatchMode=yes",
    "-o",
    "StrictHostKeyChecking=yes",
    "-o",
    `UserKnownHostsFile=${p.knownHosts}`,
    "-o",
    "IdentitiesOnly=yes",
    "-i",
    p.key,
    "-p",
    String(labHost(host).port),
    `${user}@127.0.0.1`,
    command,
  ]);
}
