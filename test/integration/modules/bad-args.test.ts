/**
 * A bad argument to every module, in one playbook run by `infra apply` and by Debian's `ansible-playbook` on the
 * same lab host: infra must fail each task with Ansible's message plus the task's file:line:column, and go on
 * (ignore_errors). A module added to the registry without a case here fails the test.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { moduleNames } from "../../../src/modules/registry.js";
import { ansiblePlaybook, infra } from "../engine/course-helpers.js";
import { lab } from "../lab-helpers.js";

interface Case {
  module: string;
  /** The task's action as written (short or FQCN). */
  action?: string;
  args: Record<string, unknown> | string;
  /** Where Ansible 2.14 says something else, what infra says instead, and why in a comment. */
  ours?: string;
}

const CASES: Case[] = [
  { module: "apt", args: { name: "sl", state: "installedish" } },
  { module: "file", args: { path: "/tmp/x", state: "dir" } },
  { module: "copy", args: { content: "hi", dest: "/tmp/bad-args", backup: "maybe" } },
  { module: "template", args: { dest: "/tmp/bad-args" } },
  { module: "lineinfile", args: { path: "/tmp/bad-args", state: "present" } },
  { module: "blockinfile", args: { path: "/tmp/bad-args", state: "maybe" } },
  { module: "stat", args: { follow: true } },
  { module: "user", args: { shell: "/bin/sh" } },
  { module: "group", args: { name: "g", gid: "abc" } },
  { module: "service", args: { name: "cron", state: "going" } },
  { module: "systemd", args: { name: "cron", state: "going" } },
  { module: "cron", args: { name: "x", special_time: "hourlyish", job: "true" } },
  { module: "known_hosts", args: { name: "h", state: "gone" } },
  { module: "authorized_key", args: { user: "root" } },
  { module: "openssh_keypair", args: { path: "/tmp/bad-key", type: "dsa2" } },
  { module: "command", args: { chdir: "/tmp" } },
  { module: "shell", args: { chdir: "/tmp" } },
  // Ansible 2.14 hands the shell the word "None" (rc 127, "None: command not found").
  { module: "raw", args: "", ours: "no command given" },
  { module: "debug", args: { msg: "x", var: "y" } },
  { module: "set_fact", args: {} },
  { module: "assert", args: { fail_msg: "x" } },
  { module: "fail", args: { msg: "x", frob: 1 } },
  {
    module: "pause",
    args: { seconds: "abc" },
    // Ansible names its YAML string class; the value is a plain str.
    ours: "argument 'seconds' is of type <class 'str'> and we were unable to convert to int: invalid literal for int() with base 10: 'abc'",
  },
  { module: "wait_for", args: { port: "abc" } },
  { module: "pip", args: { state: "present" } },
  // Ansible 2.14's uri crashes on a missing url ("a bytes-like object is required"); url is required.
  { module: "uri", args: { method: "GET" }, ours: "missing required arguments: url" },
  { module: "mysql_user", action: "community.mysql.mysql_user", args: { name: "x", state: "gone" } },
  { module: "mysql_db", action: "community.mysql.mysql_db", args: { name: "x", state: "gone" } },
  {
    module: "influxdb_database",
    action: "community.general.influxdb_database",
    args: { hostname: "localhost" },
  },
  { module: "influxdb_user", action: "community.general.influxdb_user", args: { hostname: "localhost" } },
  {
    module: "file",
    action: "ansible.builtin.file",
    args: { path: "/tmp/x", frobnicate: 1 },
    // infra's file has no `attributes` (chattr) and no internal _diff_peek, so its list is shorter.
    ours: "Unsupported parameters for (ansible.builtin.file) module: frobnicate. Supported parameters include: _original_basename, access_time, access_time_format, follow, force, group, mode, modification_time, modification_time_format, owner, path, recurse, selevel, serole, setype, seuser, src, state, unsafe_writes (dest, name).",
  },
];

/** The playbook, and the line of each task (1-based) in the order of CASES. */
function playbook(): { text: string; lines: number[] } {
  const out = ["- hosts: mysql-1", "  gather_facts: no", "  become: yes", "  tasks:"];
  const lines: number[] = [];
  CASES.forEach((c, i) => {
    out.push(`    - name: case ${i} ${c.module}`);
    lines.push(out.length + 1);
    out.push(`      ${c.action ?? c.module}: ${JSON.stringify(c.args)}`, "      ignore_errors: yes");
  });
  return { text: out.join("\n") + "\n", lines };
}

/** Each task's failure message, by case number, from the default callback's text. */
function messages(stdout: string): Map<number, string> {
  const found = new Map<number, string>();
  // Ansible prints "An exception occurred during task execution…" before some action plugins' failures.
  const re =
    /^TASK \[case (\d+) [^\]]*\] \**\n(?:An exception occurred.*\n)?fatal: \[[^\]]+\]: FAILED! => (\{.*\})$/gm;
  for (const m of stdout.matchAll(re)) found.set(Number(m[1]), (JSON.parse(m[2]!) as { msg: string }).msg);
  return found;
}

/** Ansible lists the valid booleans from a Python set, in an order that changes with each run's hash seed. */
function sortedBooleans(msg: string): string {
  const at = msg.indexOf("Valid booleans include: ");
  if (at < 0) return msg;
  const head = msg.slice(0, at + "Valid booleans include: ".length);
  return head + msg.slice(head.length).split(", ").sort().join(", ");
}

describe("a bad argument to each module", () => {
  let dir: string;
  let lines: number[];
  let ours: Map<number, string>;
  let theirs: Map<number, string>;
  let oursOut: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "infra-bad-args-"));
    const pb = playbook();
    lines = pb.lines;
    writeFileSync(join(dir, "site.yml"), pb.text);
    const a = await infra(dir, ["apply", "-i", lab().inventory, "site.yml"]);
    oursOut = a.stdout + a.stderr;
    expect(a.code, oursOut).toBe(0);
    ours = messages(a.stdout);
    const b = await ansiblePlaybook(dir, ["-i", lab().inventory, "site.yml"]);
    expect(b.code, b.stdout + b.stderr).toBe(0);
    theirs = messages(b.stdout);
  }, 600_000);

  it("has a case for every module infra knows", () => {
    expect([...new Set(CASES.map((c) => c.module))].sort()).toEqual(moduleNames());
  });

  it("fails every task, ignores it, and ends with exit 0 and no stack trace", () => {
    expect(ours.size, oursOut).toBe(CASES.length);
    expect(oursOut).toMatch(new RegExp(`ignored=${CASES.length}\\s`));
    expect(oursOut).not.toMatch(/^\s+at .*:\d+:\d+\)?$/m);
  });

  it.each(CASES.map((c, i) => [i, c.action ?? c.module, c] as const))(
    "case %i (%s): Ansible's message and the task's file:line",
    (i, _action, c) => {
      const msg = ours.get(i)!;
      const at = ` (task at ${join(dir, "site.yml")}:${lines[i]}:7)`;
      expect(msg.endsWith(at), `${msg} should end with${at}`).toBe(true);
      const text = msg.slice(0, -at.length);
      expect(sortedBooleans(text)).toBe(sortedBooleans(c.ours ?? theirs.get(i)!));
      if (c.ours) expect(theirs.get(i)).not.toBe(c.ours);
    },
  );
});
