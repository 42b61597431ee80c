/**
 * Secrets never leak: the course-like fixture plus a play whose failing loop carries vault values, run at -vvvv
 * with --diff, in text and in --json, with a log file asked for. No vault plaintext and no no_log value may appear
 * in any output, event or log; passwords given to mysql_user and user never show in `ps` on the host.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encrypt } from "../../../src/vault/vault.js";
import { courseRepo } from "../engine/course-helpers.js";
import { dropLab, infraIn, ownLab, type OwnLab } from "./own-lab.js";

const LAB = "secrets";
const FIXTURE_DB_PASSWORD = "S3cr3t-vault-Passw0rd"; // the course fixture's `!vault` db_password
const TOKENS = ["tok-alpha-93c1d5e7", "tok-bravo-27e8f0a4"];
const PROBE_PASSWORD = "Probe-Mysql-Pw-5d71c2";
// SHA-512 crypt of "Probe-User-Pw" (the hash is itself the secret the user module must not show).
const USER_HASH =
  "$6$infrasalt$v0zw0ybTdPL7I7.3Ai7H7XsRkdyX9x5kgIUJ6Y5fEnkxvNtfq2GrT0IYPhZVvyvYQ2tYx0uZN.zN2R1hZ8aUM.";
const NO_LOG_LITERAL = "nolog-literal-4b9e61";
const SECRETS = [FIXTURE_DB_PASSWORD, ...TOKENS, PROBE_PASSWORD, USER_HASH, NO_LOG_LITERAL];

let lab: OwnLab;
let repo: string;

function vaulted(name: string, value: string, password: string): string {
  const body = encrypt(value, password)
    .trimEnd()
    .split("\n")
    .map((l) => `      ${l}`)
    .join("\n");
  return `${name}: !vault |\n${body}`;
}

/** A play that hands vault values to mysql_user, user, a no_log task, a debug loop and a failing loop. */
function leakPlaybook(password: string): string {
  const tokens = TOKENS.map((t, i) => vaulted(`token_${i}`, t, password).replace(/^/gm, "    ")).join("\n");
  return `- hosts: db_servers
  become: yes
  gather_facts: no
  vars:
${tokens}
${vaulted("probe_password", PROBE_PASSWORD, password).replace(/^/gm, "    ")}
${vaulted("user_hash", USER_HASH, password).replace(/^/gm, "    ")}
    tokens: ["{{ token_0 }}", "{{ token_1 }}"]
  tasks:
    - name: A MySQL user with a vaulted password
      community.mysql.mysql_user:
        name: infra_probe
        host: localhost
        password: "{{ probe_password }}"
        login_unix_socket: /run/mysqld/mysqld.sock
    - name: A system user with a vaulted password hash
      user:
        name: infra_probe
        password: "{{ user_hash }}"
    - name: A no_log command
      command: echo ${NO_LOG_LITERAL}
      changed_when: true
      no_log: true
    - name: Tokens shown by debug
      debug:
        msg: "token {{ item }}"
      loop: "{{ tokens }}"
    - name: A failing loop over vault values
      assert:
        that: item == 'never'
      loop: "{{ tokens }}"
`;
}

/** Samples every process's arguments on the host while the run goes on. */
async function startPsSampler(host: string): Promise<void> {
  await lab.ssh(
    host,
    "sudo rm -f /tmp/ps-sample.log; (end=$(($(date +%s)+600)); while [ $(date +%s) -lt $end ] && [ ! -e /tmp/ps-stop ]; do ps -eo args >> /tmp/ps-sample.log; done) >/dev/null 2>&1 </dev/null & echo started",
  );
}

async function stopPsSampler(host: string): Promise<string> {
  await lab.ssh(host, "touch /tmp/ps-stop; sleep 1; rm -f /tmp/ps-stop");
  return (await lab.ssh(host, "cat /tmp/ps-sample.log")).stdout;
}

describe("secrets stay secret", () => {
  const outputs: Record<string, string> = {};
  let psLog = "";

  beforeAll(async () => {
    lab = await ownLab(LAB, 3);
    repo = courseRepo(lab.inventory);
    const password = readFileSync(join(repo, "vault_password"), "utf8").trim();
    writeFileSync(join(repo, "leak.yml"), leakPlaybook(password));
    await lab.ssh(
      "mysql-1",
      "sudo mysql -e \"DROP USER IF EXISTS 'infra_probe'@'localhost'\"; sudo userdel infra_probe 2>/dev/null; true",
    );
    await startPsSampler("mysql-1");
    const log = join(repo, "infra.log");
    const env = { ANSIBLE_LOG_PATH: log };
    const text = await infraIn(repo, ["apply", "-vvvv", "--diff", "infra.yaml", "leak.yml"], env);
    outputs.text = text.stdout + text.stderr;
    outputs.textCode = String(text.code);
    await lab.ssh(
      "mysql-1",
      "sudo mysql -e \"DROP USER IF EXISTS 'infra_probe'@'localhost'\"; sudo userdel infra_probe; true",
    );
    const json = await infraIn(repo, ["apply", "-vvvv", "--diff", "--json", "infra.yaml", "leak.yml"], env);
    outputs.json = json.stdout + json.stderr;
    outputs.log = existsSync(log) ? readFileSync(log, "utf8") : "";
    psLog = await stopPsSampler("mysql-1");
  }, 900_000);

  afterAll(async () => {
    await lab?.ssh(
      "mysql-1",
      "sudo mysql -e \"DROP USER IF EXISTS 'infra_probe'@'localhost'\"; sudo userdel infra_probe; true",
    );
    await dropLab(LAB);
  });

  it("the runs did what they should: the vault values were used, the loop failed on mysql-1", () => {
    expect(outputs.textCode, outputs.text).toBe("2");
    expect(outputs.text).toMatch(/failed: \[mysql-1\]/);
    expect(outputs.text).toMatch(/changed: \[mysql-1\]/);
    // JSON events: one object per line.
    const events = outputs
      .json!.split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as unknown);
    expect(events.length).toBeGreaterThan(20);
    // ANSIBLE_LOG_PATH: the text run was logged in Ansible's format (so the log search below is not of nothing).
    expect(outputs.log).toMatch(
      /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} p=\d+ u=\S+ n=ansible \| PLAY RECAP \*+$/m,
    );
    expect(outputs.log).toMatch(/ n=ansible \| failed: \[mysql-1\]/);
  });

  for (const kind of ["text", "json", "log"] as const) {
    it(`no vault plaintext or no_log value in the ${kind} output`, () => {
      const out = outputs[kind] ?? "";
      for (const s of SECRETS) expect(out.includes(s), `${s} leaked in ${kind} output`).toBe(false);
    });
  }

  it("the module passwords never appear in process arguments on the host", async () => {
    // The sampler saw the run (the modules' own processes), so its silence about the secrets means something.
    expect(psLog.split("\n").length).toBeGreaterThan(1000);
    expect(psLog).toMatch(/chpasswd|usermod|mysql|python3|sh -c/);
    for (const s of [PROBE_PASSWORD, USER_HASH]) expect(psLog.includes(s), `${s} seen in ps`).toBe(false);
    // And the values really reached the host.
    const login = await lab.ssh(
      "mysql-1",
      `mysql -u infra_probe -p'${PROBE_PASSWORD}' -e 'SELECT 1' >/dev/null && echo ok`,
    );
    expect(login.stdout).toBe("ok\n");
    expect((await lab.ssh("mysql-1", "sudo getent shadow infra_probe")).stdout).toContain(USER_HASH);
  });
});
