/**
 * The reference: Debian's ansible 2.14 running the same module against the same lab host (ad-hoc, json callback),
 * so tests can compare infra's result and the host state it leaves with Ansible's.
 */
import { paths } from "../../../src/lab/files.js";
import { run as runProgram } from "../../../src/util/exec.js";
import { lab } from "../lab-helpers.js";
import { sh } from "./helpers.js";

export interface OracleOptions {
  check?: boolean;
  diff?: boolean;
  become?: boolean;
  /** Extra variables (-e). */
  vars?: Record<string, unknown>;
  /** Another inventory and known_hosts than the lab's (a host outside the lab). */
  inventory?: string;
  knownHosts?: string;
}

export async function ansible(
  host: string,
  module: string,
  args: Record<string, unknown>,
  o: OracleOptions = {},
): Promise<Record<string, unknown>> {
  const p = paths(lab().home);
  const argv = [
    "-i",
    o.inventory ?? lab().inventory,
    host,
    "-m",
    module,
    "-a",
    JSON.stringify(args),
    ...(o.check ? ["--check"] : []),
    ...(o.diff ? ["--diff"] : []),
    ...(o.become ? ["-b"] : []),
    ...(o.vars ? ["-e", JSON.stringify(o.vars)] : []),
  ];
  const r = await runProgram("ansible", argv, {
    env: {
      ...process.env,
      ANSIBLE_STDOUT_CALLBACK: "json",
      ANSIBLE_LOAD_CALLBACK_PLUGINS: "1",
      ANSIBLE_SSH_ARGS: `-o UserKnownHostsFile=${o.knownHosts ?? p.knownHosts} -o StrictHostKeyChecking=yes`,
      ANSIBLE_NOCOLOR: "1",
    },
  });
  const start = r.stdout.indexOf("{");
  if (start < 0) throw new Error(`ansible printed no JSON: ${r.stdout}\n${r.stderr}`);
  const doc = JSON.parse(r.stdout.slice(start)) as {
    plays: { tasks: { hosts: Record<string, Record<string, unknown>> }[] }[];
  };
  return doc.plays[0]!.tasks[0]!.hosts[host]!;
}

/** What a path looks like on the host: type, mode, owner, group, size and the content's sha1 (files). */
export async function hostState(host: string, path: string): Promise<string> {
  return sh(
    host,
    `if [ -e '${path}' ] || [ -L '${path}' ]; then stat -c '%F %a %U %G %s' -- '${path}'; [ -f '${path}' ] && sha1sum < '${path}' | cut -c1-40; [ -L '${path}' ] && readlink -- '${path}'; true; else echo absent; fi`,
  );
}

/** The result fields both tools report about a file, with paths made comparable. */
export function fileFields(r: Record<string, unknown>, path: string): Record<string, unknown> {
  const keys = [
    "changed",
    "failed",
    "mode",
    "owner",
    "group",
    "state",
    "size",
    "uid",
    "gid",
    "checksum",
    "msg",
    "skipped",
  ];
  const out: Record<string, unknown> = {};
  for (const k of keys)
    if (r[k] !== undefined)
      out[k] = typeof r[k] === "string" ? (r[k] as string).split(path).join("<P>") : r[k];
  for (const k of ["path", "dest"])
    if (typeof r[k] === "string") out[k] = (r[k] as string).split(path).join("<P>");
  return out;
}
