/** Small helpers for integration tests: run commands on lab hosts with the system's OpenSSH client. */
import { inject } from "vitest";
import { labHome, paths, readState } from "../../src/lab/files.js";
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
export function sshRun(host: string, command: string, user = "ubuntu", input?: string): Promise<RunResult> {
  return sshRunIn(lab().name, host, command, user, input);
}

/** The same on a host of another lab of this checkout (e.g. the twin lab of differential tests). */
export function sshRunIn(
  labName: string,
  host: string,
  command: string,
  user = "ubuntu",
  input?: string,
): Promise<RunResult> {
  const home = labHome(labName);
  const state = readState(home);
  const h = state?.hosts.find((x) => x.name === host);
  if (!h) throw new Error(`no host ${host} in lab ${labName}`);
  const p = paths(home);
  return run(
    "ssh",
    [
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
      String(h.port),
      `${user}@127.0.0.1`,
      command,
    ],
    input === undefined ? {} : { input },
  );
}

/** Connection variables of a lab host, as its inventory line gives them (for the transport's ConnectionPool). */
export function labConnectionVars(host: string): Record<string, unknown> {
  const p = paths(lab().home);
  return {
    ansible_host: "127.0.0.1",
    ansible_port: labHost(host).port,
    ansible_user: "ubuntu",
    ansible_ssh_private_key_file: p.key,
    ansible_ssh_common_args: `-o UserKnownHostsFile=${p.knownHosts}`,
  };
}
