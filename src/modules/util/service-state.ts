/**
 * Reading a service's state in one command, for both init systems Ansible's service module knows on Linux:
 * systemd (when PID 1 is systemd and systemctl exists: `systemctl show`, `is-enabled`) and SysV init scripts (the
 * lab hosts: tini + /etc/init.d, `service NAME status`, /etc/rc?.d links). Every value travels base64-encoded, one
 * `key value` line each, so any output survives.
 */
import type { ModuleContext } from "../types.js";
import { ModuleFailure } from "./failure.js";
import { quote } from "./shell.js";

export type Facts = Map<string, string>;

/** `key <base64 of stdout>` and `key.rc <rc>` lines for a command. */
export function capture(key: string, cmd: string): string {
  return `_o=$( { ${cmd}; } 2>/dev/null </dev/null; _r=$?; printf x; exit $_r ); _r=$?; echo "${key} $(printf '%s' "\${_o%x}" | base64 -w0)"; echo "${key}.rc $_r"`;
}

export const IS_SYSTEMD =
  "command -v systemctl >/dev/null 2>&1 && { [ -e /run/systemd/system/ ] || [ -e /dev/.run/systemd/ ] || [ -e /dev/.systemd/ ] || grep -q systemd /proc/1/comm 2>/dev/null; }";

/** What the sysv path reads: tools, init script, rc links, and (when asked) `service NAME status`. */
export function sysvLines(name: string, status: boolean): string[] {
  const n = quote(name);
  const lines = [
    `for _t in service update-rc.d insserv chkconfig initctl rc-service; do if command -v $_t >/dev/null 2>&1; then echo "tool.$_t 1"; fi; done`,
    `if [ -f /etc/init.d/${n} ]; then echo "initscript 1"; fi`,
    `if [ -f /etc/init/${n}.conf ]; then echo "upstart 1"; fi`,
    `for _l in /etc/rc?.d/S??${n}; do [ -e "$_l" ] && { echo "slinks 1"; break; }; done`,
    `for _l in /etc/rc?.d/K??${n}; do [ -e "$_l" ] && { echo "klinks 1"; break; }; done`,
  ];
  if (status) lines.push(capture("status", `service ${n} status`));
  return lines;
}

export async function readFacts(ctx: ModuleContext, script: string[]): Promise<Facts> {
  // Each line prints its own facts; the last one's exit status means nothing (a loop finding no link ends in 1).
  const r = await ctx.conn.exec(`${script.join("\n")}\nexit 0`, { become: ctx.become });
  if (r.rc !== 0)
    throw new ModuleFailure(`could not read the state of ${ctx.host}: ${r.stderr.trim() || `rc ${r.rc}`}`);
  return parseFacts(r.stdout);
}

/** `key value` lines (the first space separates them) as a map. */
export function parseFacts(stdout: string): Facts {
  const facts: Facts = new Map();
  for (const line of stdout.split("\n")) {
    const sp = line.indexOf(" ");
    if (sp > 0) facts.set(line.slice(0, sp), line.slice(sp + 1));
  }
  return facts;
}

export const text = (f: Facts, key: string) => Buffer.from(f.get(key) ?? "", "base64").toString("utf8");
export const rc = (f: Facts, key: string) => Number(f.get(`${key}.rc`) ?? "-1");

/**
 * Runs commands one after another; each one's output and rc come back under its key (the same format). A command
 * runs detached from the session's stdio, as Ansible's daemonize, so a daemon it starts cannot hold the channel.
 */
export async function runCommands(ctx: ModuleContext, cmds: [string, string][]): Promise<Facts> {
  if (!cmds.length) return new Map();
  const lines = cmds.map(([key, cmd]) => {
    return `_e=$(mktemp); _o=$(mktemp); { ${cmd}; } >"$_o" 2>"$_e" </dev/null; _r=$?; echo "${key} $(base64 -w0 <"$_o")"; echo "${key}.err $(base64 -w0 <"$_e")"; echo "${key}.rc $_r"; rm -f -- "$_o" "$_e"`;
  });
  return readFacts(ctx, lines);
}
