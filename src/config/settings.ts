/**
 * The ansible.cfg settings infra understands: for each, where Ansible 2.14 reads it (ini section/key, environment
 * variables — the last one set wins, as in Ansible), its type and its default. Copied from the definitions in
 * Ansible's config/base.yml and the ssh connection plugin, so the same file and environment mean the same thing.
 */
export type SettingType = "string" | "boolean" | "integer" | "path" | "pathlist" | "pathspec" | "list";

export interface SettingDef {
  ini: { section: string; key: string }[];
  env: string[];
  type: SettingType;
  default: unknown;
  choices?: string[];
}

const defaults = (key: string) => [{ section: "defaults", key }];

export const SETTINGS = {
  inventory: {
    ini: defaults("inventory"),
    env: ["ANSIBLE_INVENTORY"],
    type: "pathlist",
    default: "/etc/ansible/hosts",
  },
  remote_user: { ini: defaults("remote_user"), env: ["ANSIBLE_REMOTE_USER"], type: "string", default: null },
  remote_port: { ini: defaults("remote_port"), env: ["ANSIBLE_REMOTE_PORT"], type: "integer", default: null },
  private_key_file: {
    ini: defaults("private_key_file"),
    env: ["ANSIBLE_PRIVATE_KEY_FILE"],
    type: "path",
    default: null,
  },
  // DEFAULT_LOG_PATH: every line ansible-playbook displays is also appended to this file.
  log_path: { ini: defaults("log_path"), env: ["ANSIBLE_LOG_PATH"], type: "path", default: null },
  vault_password_file: {
    ini: defaults("vault_password_file"),
    env: ["ANSIBLE_VAULT_PASSWORD_FILE"],
    type: "path",
    default: null,
  },
  vault_identity_list: {
    ini: defaults("vault_identity_list"),
    env: ["ANSIBLE_VAULT_IDENTITY_LIST"],
    type: "list",
    default: [],
  },
  ask_vault_pass: {
    ini: defaults("ask_vault_pass"),
    env: ["ANSIBLE_ASK_VAULT_PASS"],
    type: "boolean",
    default: false,
  },
  host_key_checking: {
    ini: defaults("host_key_checking"),
    env: ["ANSIBLE_HOST_KEY_CHECKING"],
    type: "boolean",
    default: true,
  },
  timeout: { ini: defaults("timeout"), env: ["ANSIBLE_TIMEOUT"], type: "integer", default: 10 },
  gathering: {
    ini: defaults("gathering"),
    env: ["ANSIBLE_GATHERING"],
    type: "string",
    default: "implicit",
    choices: ["implicit", "explicit", "smart"],
  },
  forks: { ini: defaults("forks"), env: ["ANSIBLE_FORKS"], type: "integer", default: 5 },
  roles_path: {
    ini: defaults("roles_path"),
    env: ["ANSIBLE_ROLES_PATH"],
    type: "pathspec",
    default: "~/.ansible/roles:/usr/share/ansible/roles:/etc/ansible/roles",
  },
  become: {
    ini: [{ section: "privilege_escalation", key: "become" }],
    env: ["ANSIBLE_BECOME"],
    type: "boolean",
    default: false,
  },
  become_user: {
    ini: [{ section: "privilege_escalation", key: "become_user" }],
    env: ["ANSIBLE_BECOME_USER"],
    type: "string",
    default: "root",
  },
  become_method: {
    ini: [{ section: "privilege_escalation", key: "become_method" }],
    env: ["ANSIBLE_BECOME_METHOD"],
    type: "string",
    default: "sudo",
  },
  become_ask_pass: {
    ini: [{ section: "privilege_escalation", key: "become_ask_pass" }],
    env: ["ANSIBLE_BECOME_ASK_PASS"],
    type: "boolean",
    default: false,
  },
  diff_always: {
    ini: [{ section: "diff", key: "always" }],
    env: ["ANSIBLE_DIFF_ALWAYS"],
    type: "boolean",
    default: false,
  },
  diff_context: {
    ini: [{ section: "diff", key: "context" }],
    env: ["ANSIBLE_DIFF_CONTEXT"],
    type: "integer",
    default: 3,
  },
  ssh_args: {
    ini: [{ section: "ssh_connection", key: "ssh_args" }],
    env: ["ANSIBLE_SSH_ARGS"],
    type: "string",
    default: "-C -o ControlMaster=auto -o ControlPersist=60s",
  },
  pipelining: {
    ini: [
      { section: "defaults", key: "pipelining" },
      { section: "connection", key: "pipelining" },
      { section: "ssh_connection", key: "pipelining" },
    ],
    env: ["ANSIBLE_PIPELINING", "ANSIBLE_SSH_PIPELINING"],
    type: "boolean",
    default: false,
  },
  retry_files_enabled: {
    ini: defaults("retry_files_enabled"),
    env: ["ANSIBLE_RETRY_FILES_ENABLED"],
    type: "boolean",
    default: false,
  },
  retry_files_save_path: {
    ini: defaults("retry_files_save_path"),
    env: ["ANSIBLE_RETRY_FILES_SAVE_PATH"],
    type: "path",
    default: null,
  },
  any_errors_fatal: {
    ini: defaults("any_errors_fatal"),
    env: ["ANSIBLE_ANY_ERRORS_FATAL"],
    type: "boolean",
    default: false,
  },
  interpreter_python: {
    ini: defaults("interpreter_python"),
    env: ["ANSIBLE_PYTHON_INTERPRETER"],
    type: "string",
    default: "auto",
  },
  stdout_callback: {
    ini: defaults("stdout_callback"),
    env: ["ANSIBLE_STDOUT_CALLBACK"],
    type: "string",
    default: "default",
  },
} satisfies Record<string, SettingDef>;

export type SettingName = keyof typeof SETTINGS;
