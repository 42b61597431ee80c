/**
 * From a host's variables and the run's configuration to how to connect, with Ansible's names and precedence:
 * for each setting the LAST variable of its alias list that is defined wins (ansible_ssh_host over ansible_host),
 * and the command-line-like ssh arguments are read in the order Ansible builds its ssh command, where the first
 * value given for an option wins.
 */
import { userInfo } from "node:os";
import { InfraError } from "../util/errors.js";
import { parseSshArgv, splitSshArgs, type HostKeyChecking } from "./ssh-args.js";
import type { SshOptions } from "./ssh.js";

/** Run-wide settings (ansible.cfg [defaults]/[ssh_connection] and command-line options). */
export interface TransportConfig {
  /** host_key_checking; default true. */
  hostKeyChecking?: boolean;
  /** timeout in seconds (connect timeout); default 10. */
  timeout?: number;
  /** remote_user / -u. */
  remoteUser?: string;
  /** private_key_file / --private-key. */
  privateKeyFile?: string;
  /** [ssh_connection] ssh_args. */
  sshArgs?: string;
  /** ssh_common_args / ssh_extra_args from the command line. */
  sshCommonArgs?: string;
  sshExtraArgs?: string;
  /** Connection password (--ask-pass). */
  password?: string;
  /** Default ~/.ssh/known_hosts(2) and /etc/ssh/ssh_known_hosts(2). */
  knownHostsFiles?: string[];
  globalKnownHostsFiles?: string[];
  /** Commands at once per host; default 8 (below sshd's MaxSessions of 10). */
  maxSessions?: number;
}

/** `persistS`: the ssh arguments ask for a control master that outlives the run this long (ControlPersist). */
export type HostSettings =
  { kind: "local"; name: string } | { kind: "ssh"; name: string; ssh: SshOptions; persistS?: number };

type Vars = Record<string, unknown>;

/** The value of the last alias that is defined, as a string; numbers are accepted where YAML makes them. */
function pick(vars: Vars, host: string, names: string[]): string | undefined {
  let found: { name: string; value: unknown } | undefined;
  for (const name of names)
    if (vars[name] !== undefined && vars[name] !== null) found = { name, value: vars[name] };
  if (!found) return undefined;
  const { name, value } = found;
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  throw new InfraError(`${host}: variable ${name} must be a string, got ${describe(value)}`);
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object" && v !== null && v.constructor?.name === "VaultString")
    return "a vaulted value that was not decrypted";
  return typeof v === "object" ? "a mapping" : typeof v;
}

/** Ansible's boolean(): yes/no, true/false, on/off, 1/0, any case. */
function boolish(host: string, name: string, value: string): boolean {
  const v = value.toLowerCase();
  if (["yes", "true", "on", "1", "y", "t"].includes(v)) return true;
  if (["no", "false", "off", "0", "n", "f"].includes(v)) return false;
  throw new InfraError(
    `${host}: ${name} must be a boolean (yes/no, true/false), got ${JSON.stringify(value)}`,
  );
}

function port(host: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535) {
    throw new InfraError(
      `${host}: ansible_port must be a port number (1-65535), got ${JSON.stringify(value)}`,
    );
  }
  return n;
}

export function hostSettings(name: string, vars: Vars, config: TransportConfig = {}): HostSettings {
  const connection = pick(vars, name, ["ansible_connection"]) ?? "ssh";
  if (connection === "local") return { kind: "local", name };
  if (!["ssh", "smart", "paramiko", "paramiko_ssh"].includes(connection)) {
    throw new InfraError(`${name}: ansible_connection ${JSON.stringify(connection)} is not supported`, {
      hint: "Use ssh (the default) or local.",
    });
  }
  const address = pick(vars, name, ["ansible_host", "ansible_ssh_host"]) ?? name;
  const hkcVar = pick(vars, name, ["ansible_host_key_checking", "ansible_ssh_host_key_checking"]);
  const hostKeyChecking =
    hkcVar !== undefined
      ? boolish(name, "ansible_host_key_checking", hkcVar)
      : (config.hostKeyChecking ?? true);
  const timeoutVar = pick(vars, name, ["ansible_ssh_timeout"]);
  const timeout = timeoutVar !== undefined ? Number(timeoutVar) : (config.timeout ?? 10);
  if (!(timeout > 0))
    throw new InfraError(`${name}: the connection timeout must be a positive number of seconds`);

  // The argv Ansible would give ssh, in its order; for each option the first value wins.
  const argv: string[] = [];
  const add = (source: string, text: string | undefined) => {
    if (text) argv.push(...splitSshArgs(text, source));
  };
  add("ssh_args", pick(vars, name, ["ansible_ssh_args"]) ?? config.sshArgs);
  if (!hostKeyChecking) argv.push("-o", "StrictHostKeyChecking=no");
  const p = port(name, pick(vars, name, ["ansible_port", "ansible_ssh_port"]));
  if (p !== undefined) argv.push("-o", `Port=${p}`);
  const key =
    pick(vars, name, ["ansible_private_key_file", "ansible_ssh_private_key_file"]) ?? config.privateKeyFile;
  if (key) argv.push("-o", `IdentityFile=${key}`);
  const user = pick(vars, name, ["ansible_user", "ansible_ssh_user"]) ?? config.remoteUser;
  if (user) argv.push("-o", `User=${user}`);
  argv.push("-o", `ConnectTimeout=${timeout}`);
  add("ansible_ssh_common_args", pick(vars, name, ["ansible_ssh_common_args"]) ?? config.sshCommonArgs);
  add("ansible_ssh_extra_args", pick(vars, name, ["ansible_ssh_extra_args"]) ?? config.sshExtraArgs);
  const args = parseSshArgv(argv, `${name}: ssh arguments`);

  const checking: HostKeyChecking = args.hostKeyChecking ?? true;
  const ssh: SshOptions = {
    name,
    host: address,
    port: args.port ?? 22,
    user: args.user ?? userInfo().username,
    privateKeyPath: args.identityFiles?.[0],
    password:
      pick(vars, name, ["ansible_password", "ansible_ssh_pass", "ansible_ssh_password"]) ?? config.password,
    hostKeyChecking: checking,
    knownHostsFiles: args.knownHostsFiles ?? config.knownHostsFiles,
    globalKnownHostsFiles: args.globalKnownHostsFiles ?? config.globalKnownHostsFiles,
    connectTimeoutMs: args.connectTimeoutMs,
    keepaliveIntervalMs: args.keepaliveIntervalMs,
    keepaliveCountMax: args.keepaliveCountMax,
    maxSessions: config.maxSessions,
  };
  for (const k of Object.keys(ssh) as (keyof SshOptions)[]) if (ssh[k] === undefined) delete ssh[k];
  const persistS = args.controlMaster && args.controlPersistS ? args.controlPersistS : undefined;
  return persistS ? { kind: "ssh", name, ssh, persistS } : { kind: "ssh", name, ssh };
}

/** ansible_become_password and its aliases (the sudo become plugin's), if set. */
export function becomePassword(name: string, vars: Vars): string | undefined {
  return pick(vars, name, ["ansible_become_password", "ansible_become_pass", "ansible_sudo_pass"]);
}
