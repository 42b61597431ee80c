/**
 * What a lab leaves in the working directory (`.infra/<lab>/`): its SSH key, per-host host keys, known_hosts,
 * the INI inventory and a state file. Everything here is generated; `lab down` removes the folder.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { InfraError } from "../util/errors.js";
import { run } from "../util/exec.js";
import { GROUP_CHILDREN, type HostSpec } from "./hosts.js";

export interface LabHost extends HostSpec {
  container: string;
  port: number;
}

export interface LabState {
  lab: string;
  image: string;
  network: string;
  hosts: LabHost[];
}

export function labHome(lab: string, cwd = process.cwd()): string {
  return resolve(cwd, ".infra", lab);
}

export const paths = (home: string) => ({
  key: join(home, "id_ed25519"),
  knownHosts: join(home, "known_hosts"),
  inventory: join(home, "hosts"),
  state: join(home, "state.json"),
  hostKeyDir: (host: string) => join(home, "hostkeys", host),
});

/** Write via a temporary file and rename, so a reader never sees half a file. */
export function writeAtomic(file: string, content: string, mode = 0o644): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, content, { mode });
  renameSync(tmp, file);
}

export function readState(home: string): LabState | undefined {
  const file = paths(home).state;
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, "utf8")) as LabState;
}

async function keygen(file: string, comment: string): Promise<void> {
  if (existsSync(file)) return;
  const r = await run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", file]);
  if (r.code !== 0) {
    throw new InfraError(`ssh-keygen failed for ${file}`, {
      hint: `${r.stderr.trim()}\nInstall OpenSSH's client tools (Debian: apt-get install openssh-client).`,
    });
  }
}

/** The login key (for `ubuntu` and root) and one host key per host, made once and kept while the lab lives. */
export async function ensureKeys(home: string, hosts: HostSpec[]): Promise<void> {
  const p = paths(home);
  mkdirSync(home, { recursive: true, mode: 0o700 });
  await keygen(p.key, "infra-lab");
  for (const h of hosts) {
    mkdirSync(p.hostKeyDir(h.name), { recursive: true });
    await keygen(join(p.hostKeyDir(h.name), "ssh_host_ed25519_key"), `root@${h.name}`);
  }
}

export function hostPublicKey(home: string, host: string): string {
  const pub = readFileSync(join(paths(home).hostKeyDir(host), "ssh_host_ed25519_key.pub"), "utf8").trim();
  return pub.split(/\s+/).slice(0, 2).join(" ");
}

export function writeKnownHosts(home: string, hosts: LabHost[]): void {
  const lines = hosts.map((h) => `[127.0.0.1]:${h.port} ${hostPublicKey(home, h.name)}`);
  writeAtomic(paths(home).knownHosts, lines.join("\n") + "\n");
}

/** An INI inventory usable unchanged by `infra` and by `ansible-playbook`. */
export function writeInventory(home: string, state: LabState): void {
  const p = paths(home);
  const byGroup = new Map<string, LabHost[]>();
  for (const h of state.hosts) for (const g of h.groups) byGroup.set(g, [...(byGroup.get(g) ?? []), h]);
  const out = [`# Written by \`infra lab up\` for lab "${state.lab}"; rewritten on every \`up\`.`, ""];
  for (const [group, hosts] of byGroup) {
    out.push(`[${group}]`);
    for (const h of hosts) {
      out.push(
        `${h.name} ansible_host=127.0.0.1 ansible_port=${h.port} ansible_user=ubuntu ` +
          `ansible_ssh_private_key_file=${p.key}`,
      );
    }
    out.push("");
  }
  for (const [parent, children] of Object.entries(GROUP_CHILDREN)) {
    const present = children.filter((c) => byGroup.has(c));
    if (present.length) out.push(`[${parent}:children]`, ...present, "");
  }
  out.push(
    "[all:vars]",
    `ansible_ssh_common_args='-o UserKnownHostsFile=${p.knownHosts}'`,
    "ansible_python_interpreter=/usr/bin/python3",
    "",
  );
  writeAtomic(p.inventory, out.join("\n"));
}
