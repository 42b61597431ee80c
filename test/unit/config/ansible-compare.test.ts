/**
 * loadConfig against `ansible-config dump --format json` (Ansible 2.14) for the same directory and environment:
 * which file is found, how it is parsed, env overrides, path resolution relative to the cfg file, `~` expansion.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig, type InfraConfig } from "../../../src/config/index.js";

const hasAnsible = spawnSync("ansible-config", ["--version"]).status === 0;

/** Our settings → Ansible's names for them. */
const NAMES: Record<string, (c: InfraConfig) => unknown> = {
  DEFAULT_HOST_LIST: (c) => c.inventory,
  DEFAULT_REMOTE_USER: (c) => c.remote_user,
  DEFAULT_REMOTE_PORT: (c) => c.remote_port,
  DEFAULT_PRIVATE_KEY_FILE: (c) => c.private_key_file,
  DEFAULT_VAULT_PASSWORD_FILE: (c) => c.vault_password_file,
  DEFAULT_VAULT_IDENTITY_LIST: (c) => c.vault_identity_list,
  DEFAULT_ASK_VAULT_PASS: (c) => c.ask_vault_pass,
  HOST_KEY_CHECKING: (c) => c.host_key_checking,
  DEFAULT_TIMEOUT: (c) => c.timeout,
  DEFAULT_GATHERING: (c) => c.gathering,
  DEFAULT_FORKS: (c) => c.forks,
  DEFAULT_ROLES_PATH: (c) => c.roles_path,
  DEFAULT_BECOME: (c) => c.become,
  DEFAULT_BECOME_USER: (c) => c.become_user,
  DEFAULT_BECOME_METHOD: (c) => c.become_method,
  DEFAULT_BECOME_ASK_PASS: (c) => c.become_ask_pass,
  DIFF_ALWAYS: (c) => c.diff.always,
  DIFF_CONTEXT: (c) => c.diff.context,
  RETRY_FILES_ENABLED: (c) => c.retry_files_enabled,
  RETRY_FILES_SAVE_PATH: (c) => c.retry_files_save_path,
  ANY_ERRORS_FATAL: (c) => c.any_errors_fatal,
  INTERPRETER_PYTHON: (c) => c.interpreter_python,
  DEFAULT_STDOUT_CALLBACK: (c) => c.stdout_callback,
};

function baseEnv(home: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (!k.startsWith("ANSIBLE_") && v !== undefined) env[k] = v;
  return { ...env, HOME: home };
}

function ansibleDump(cwd: string, env: Record<string, string>): Record<string, unknown> {
  const out = execFileSync("ansible-config", ["dump", "--format", "json"], { cwd, env, encoding: "utf8" });
  const entries = JSON.parse(out) as { name: string; value: unknown }[];
  return Object.fromEntries(entries.map((e) => [e.name, e.value]));
}

function compare(cwd: string, env: Record<string, string>): void {
  const theirs = ansibleDump(cwd, env);
  const ours = loadConfig(cwd, env);
  expect(ours.config_file).toEqual(theirs.CONFIG_FILE ?? null);
  for (const [name, get] of Object.entries(NAMES))
    expect({ name, value: get(ours) }).toEqual({ name, value: theirs[name] ?? null });
}

function scenario(): { root: string; home: string; project: string } {
  const root = mkdtempSync(join(tmpdir(), "infra-cfg-"));
  const home = join(root, "home");
  const project = join(root, "project");
  mkdirSync(home);
  mkdirSync(join(project, "sub"), { recursive: true });
  return { root, home, project };
}

describe.skipIf(!hasAnsible)("loadConfig matches ansible-config dump", () => {
  it("no ansible.cfg anywhere: Ansible's defaults", () => {
    const { home, project } = scenario();
    compare(project, baseEnv(home));
  });

  it("./ansible.cfg with comments, ':' and continuation lines, DEFAULT section, relative and ~ paths", () => {
    const { home, project } = scenario();
    writeFileSync(
      join(project, "ansible.cfg"),
      [
        "# leading comment",
        "[DEFAULT]",
        "remote_user = fromdefault",
        "",
        "[defaults]",
        "inventory = inventory/hosts.ini, ../shared/extra.yml",
        "private_key_file: ~/.ssh/lab_key",
        "vault_password_file = .vault_pass ; inline comment after whitespace",
        "vault_identity_list = dev@~/dev.txt, 'prod@prompt'",
        "Host_Key_Checking = False",
        "forks: 20",
        "gathering = explicit",
        "roles_path = roles:~/shared-roles:/abs/roles",
        "stdout_callback = yaml",
        "interpreter_python = /usr/bin/python3",
        "retry_files_enabled = yes",
        "retry_files_save_path = retries",
        "timeout = 45",
        "unknown_key = ignored",
        "ssh_args =",
        "    -o ControlMaster=auto",
        "    -o ControlPersist=60s",
        "",
        "[privilege_escalation]",
        "become = true",
        "become_user = admin",
        "become_ask_pass = 0",
        "",
        "[diff]",
        "always = on",
        "context = 5",
      ].join("\n"),
    );
    compare(project, baseEnv(home));
    compare(join(project, "sub"), baseEnv(home)); // no cfg in sub/: falls back to defaults
  });

  it("ANSIBLE_CONFIG pointing at a directory, env overrides beating the file", () => {
    const { root, home, project } = scenario();
    mkdirSync(join(root, "conf"));
    writeFileSync(
      join(root, "conf", "ansible.cfg"),
      "[defaults]\ninventory = hosts\nforks = 9\nremote_user = filed\n",
    );
    writeFileSync(join(project, "ansible.cfg"), "[defaults]\nforks = 1\n");
    const env = {
      ...baseEnv(home),
      ANSIBLE_CONFIG: join(root, "conf"),
      ANSIBLE_FORKS: "3",
      ANSIBLE_INVENTORY: "envhosts,other",
      ANSIBLE_HOST_KEY_CHECKING: "no",
      ANSIBLE_ROLES_PATH: "r1:~/r2",
    };
    compare(project, env);
  });

  it("~/.ansible.cfg when the project has none", () => {
    const { home, project } = scenario();
    writeFileSync(join(home, ".ansible.cfg"), "[defaults]\nremote_user = homeuser\ninventory = ~/inv\n");
    compare(project, baseEnv(home));
  });
});
