/**
 * The part of an ssh(1) command line we can honour: `-o Key=Value` options (UserKnownHostsFile,
 * StrictHostKeyChecking, Port, User, IdentityFile, ConnectTimeout, ServerAlive*), and -p, -l, -i. Like ssh, the
 * first value given for an option wins, so callers pass the argv in Ansible's order (ansible.cfg ssh_args, then
 * the settings from variables, then ssh_common_args and ssh_extra_args). ControlMaster with ControlPersist keeps
 * connections between runs, as OpenSSH's master does for Ansible (control-master.ts); ControlPath and other
 * OpenSSH-only tuning are ignored. Proxies are refused, not ignored, because connecting without them would reach
 * the wrong place.
 */
import { homedir } from "node:os";
import { join } from "node:path";
import { parse } from "shell-quote";
import { InfraError } from "../util/errors.js";

export type HostKeyChecking = boolean | "accept-new";

export interface SshArgSettings {
  port?: number;
  user?: string;
  identityFiles?: string[];
  knownHostsFiles?: string[];
  globalKnownHostsFiles?: string[];
  hostKeyChecking?: HostKeyChecking;
  connectTimeoutMs?: number;
  keepaliveIntervalMs?: number;
  keepaliveCountMax?: number;
  /** ControlMaster: yes, auto, ask or autoask share one connection; no (ssh's default) does not. */
  controlMaster?: boolean;
  /** ControlPersist in seconds: how long a master outlives its last run (0: no persistence, "no"). */
  controlPersistS?: number;
}

/** ControlPersist's value: yes (for good, here a day), no, or a time like 60, 60s, 10m, 1h30m. */
function persistSeconds(value: string, bad: (what: string) => InfraError): number {
  const v = value.toLowerCase();
  if (["yes", "true"].includes(v)) return 86_400;
  if (["no", "false"].includes(v)) return 0;
  const units: Record<string, number> = { "": 1, s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };
  let total = 0;
  const parts = v.match(/\d+[smhdw]?/g);
  if (!parts || parts.join("") !== v)
    throw bad(`ControlPersist must be yes, no or a time such as 60s or 10m, got ${JSON.stringify(value)}`);
  for (const part of parts) total += parseInt(part, 10) * units[part.replace(/\d+/, "")]!;
  return total;
}

/** Split texts: every host of a run has the same few (ssh_args, ansible_ssh_common_args), and shell-quote builds
 * its patterns anew on every call (~0.5 ms each). */
const splitCache = new Map<string, readonly string[]>();

/** Splits an ssh argument string as a shell would (quotes, escapes), keeping $VARS as written. */
export function splitSshArgs(text: string, source: string): string[] {
  const known = splitCache.get(text);
  if (known) return [...known];
  const words = parse(text, (name) => `$${name}`).map((w) => {
    if (typeof w === "string") return w;
    throw new InfraError(
      `${source}: shell operators are not allowed in ssh arguments: ${JSON.stringify(text)}`,
    );
  });
  if (splitCache.size < 64) splitCache.set(text, words);
  return [...words];
}

function expandHome(p: string): string {
  return p === "~" || p.startsWith("~/") ? join(homedir(), p.slice(1)) : p;
}

function unquote(v: string): string {
  return v.length >= 2 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1) : v;
}

/** ssh's single-letter flags that take a value (skipped with it when we don't use them). */
const FLAGS_WITH_VALUE = new Set("BbcDEeFIiJLlmOopQRSWw".split(""));

export function parseSshArgv(argv: string[], source: string): SshArgSettings {
  const out: SshArgSettings = {};
  const bad = (what: string) => new InfraError(`${source}: ${what}`);
  const num = (key: string, v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw bad(`${key} must be a whole number, got ${JSON.stringify(v)}`);
    return n;
  };
  const option = (raw: string) => {
    const m = /^\s*([A-Za-z]+)\s*(?:=\s*|\s+)(.*)$/.exec(raw);
    if (!m) throw bad(`cannot read ssh option ${JSON.stringify(raw)} (expected -o Key=Value)`);
    const key = m[1].toLowerCase();
    const value = unquote(m[2].trim());
    switch (key) {
      case "port":
        out.port ??= num("Port", value);
        break;
      case "user":
        out.user ??= value;
        break;
      case "identityfile":
        (out.identityFiles ??= []).push(expandHome(value));
        break;
      case "userknownhostsfile":
        out.knownHostsFiles ??= value
          .split(/\s+/)
          .filter((f) => f !== "/dev/null" && f.toLowerCase() !== "none")
          .map(expandHome);
        break;
      case "globalknownhostsfile":
        out.globalKnownHostsFiles ??= value
          .split(/\s+/)
          .filter((f) => f !== "/dev/null" && f.toLowerCase() !== "none")
          .map(expandHome);
        break;
      case "stricthostkeychecking": {
        const v = value.toLowerCase();
        const parsed = ["yes", "ask", "true"].includes(v)
          ? true
          : ["no", "off", "false"].includes(v)
            ? false
            : v;
        if (parsed !== true && parsed !== false && parsed !== "accept-new") {
          throw bad(`StrictHostKeyChecking must be yes, no or accept-new, got ${JSON.stringify(value)}`);
        }
        out.hostKeyChecking ??= parsed;
        break;
      }
      case "connecttimeout":
        out.connectTimeoutMs ??= num("ConnectTimeout", value) * 1000;
        break;
      case "serveraliveinterval":
        out.keepaliveIntervalMs ??= num("ServerAliveInterval", value) * 1000;
        break;
      case "serveralivecountmax":
        out.keepaliveCountMax ??= num("ServerAliveCountMax", value);
        break;
      case "controlmaster":
        out.controlMaster ??= !["no", "false"].includes(value.toLowerCase());
        break;
      case "controlpersist":
        out.controlPersistS ??= persistSeconds(value, bad);
        break;
      case "proxyjump":
      case "proxycommand":
        if (value.toLowerCase() !== "none") {
          throw bad(`${m[1]} is not supported: connect to hosts the control machine can reach directly`);
        }
        break;
    }
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith("-") || arg.length < 2) continue; // ssh would take it as the destination: not ours to use
    const letter = arg[1];
    if (!FLAGS_WITH_VALUE.has(letter)) continue; // -C, -4, -v, -A ...: nothing for us
    const value = arg.length > 2 ? arg.slice(2) : argv[++i];
    if (value === undefined) throw bad(`ssh option ${arg} needs a value`);
    if (letter === "o") option(value);
    else if (letter === "p") option(`Port=${value}`);
    else if (letter === "l") option(`User=${value}`);
    else if (letter === "i") option(`IdentityFile=${value}`);
    else if (letter === "J") option(`ProxyJump=${value}`);
  }
  return out;
}
