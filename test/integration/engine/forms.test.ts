/**
 * Engine constructs (test/fixtures/engine-forms) run by `infra apply` and by Debian's `ansible-playbook` against the
 * same lab hosts: a YAML inventory with children and group vars, group_vars/ and host_vars/ as files and
 * directories (.yml, .json), an encrypted vars file and an inline !vault value, host patterns (`a:b`, `&`, `!`,
 * wildcards, `~regex`), vars_files, -e @file, pre_tasks/roles/tasks/post_tasks, meta dependencies with vars, role
 * params, play tags, filters, tests, magic variables, facts, set_fact/register, loops, serial, run_once and the free
 * strategy. Every debug line and the recap must be Ansible's.
 */
import { cpSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { lab } from "../lab-helpers.js";
import { ansiblePlaybook, infra, recap } from "./course-helpers.js";
import { debugMessages, hostsSorted } from "./playbook-helpers.js";

const FIXTURE = resolve("test/fixtures/engine-forms");
const COMMON = [
  "-i",
  "inventory.yml",
  "site.yml",
  "--vault-password-file",
  "vault-pass.txt",
  "-e",
  "@extra.yml",
];

/** The lab's hosts as a YAML inventory, with a child group and group vars the playbook reads. */
function yamlInventory(): string {
  const l = lab();
  const host = (name: string) => {
    const h = l.state.hosts.find((x) => x.name === name)!;
    return `        ${name}:\n          ansible_host: 127.0.0.1\n          ansible_port: ${h.port}\n`;
  };
  return [
    "all:",
    "  vars:",
    "    ansible_user: ubuntu",
    `    ansible_ssh_private_key_file: ${l.home}/id_ed25519`,
    `    ansible_ssh_common_args: "-o UserKnownHostsFile=${l.home}/known_hosts"`,
    "    ansible_python_interpreter: /usr/bin/python3",
    "    inv_group_var: inventory-all",
    "  children:",
    "    db_servers:",
    "      hosts:",
    host("mysql-1").trimEnd(),
    "      vars:",
    "        inv_group_var: inventory-db",
    "    influxdb:",
    "      hosts:",
    host("influx-1").trimEnd(),
    "    backup:",
    "      hosts:",
    host("backup").trimEnd(),
    "    mysql:",
    "      children:",
    "        db_servers:",
    "",
  ].join("\n");
}

/** Debug lines, sorted (hosts finish a task in any order); each line names its host. */
const lines = (stdout: string) => debugMessages(stdout).sort();

describe("engine forms: infra apply vs ansible-playbook on the same hosts", () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "infra-engine-forms-"));
    cpSync(FIXTURE, dir, { recursive: true });
    writeFileSync(join(dir, "inventory.yml"), yamlInventory());
  });

  it("prints the same values for every construct, and the same recap", async () => {
    const ours = await infra(dir, ["apply", ...COMMON]);
    expect(ours.code, ours.stdout + ours.stderr).toBe(0);
    const theirs = await ansiblePlaybook(dir, COMMON);
    expect(theirs.code, theirs.stdout + theirs.stderr).toBe(0);
    // Ansible prints vault values; infra censors them everywhere (inline !vault and encrypted files alike).
    const censored = (s: string) =>
      s.replaceAll("vault-inline-secret from-encrypted-file", "******** ********");
    expect(lines(ours.stdout)).toEqual(lines(censored(theirs.stdout)));
    expect(lines(ours.stdout).length).toBeGreaterThan(40);
    expect(theirs.stdout).toContain("vault-inline-secret from-encrypted-file");
    expect(ours.stdout).not.toMatch(/vault-inline-secret|from-encrypted-file/);
    expect(recap(ours.stdout)).toEqual(recap(theirs.stdout));
  }, 600_000);

  it("selects by play tags and task tags as Ansible does", async () => {
    for (const tags of [
      ["--tags", "only-tagged"],
      ["--tags", "batches"],
      ["--skip-tags", "forms"],
    ]) {
      const ours = await infra(dir, ["apply", ...COMMON, ...tags]);
      const theirs = await ansiblePlaybook(dir, [...COMMON, ...tags]);
      expect(lines(ours.stdout), tags.join(" ")).toEqual(lines(theirs.stdout));
      expect(recap(ours.stdout)).toEqual(recap(theirs.stdout));
    }
  }, 600_000);

  it("lists the same hosts and tasks", async () => {
    for (const flag of ["--list-hosts", "--list-tasks", "--list-tags"]) {
      const ours = await infra(dir, ["apply", ...COMMON, flag]);
      const theirs = await ansiblePlaybook(dir, [...COMMON, flag]);
      expect(hostsSorted(ours.stdout), flag).toBe(hostsSorted(theirs.stdout));
    }
  }, 600_000);
});
