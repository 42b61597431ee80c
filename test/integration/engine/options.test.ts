/** ansible-playbook's command-line options and the remaining play keywords, on lab hosts. */
import { describe, expect, it } from "vitest";
import { paths } from "../../../src/lab/files.js";
import { encrypt } from "../../../src/vault/vault.js";
import { lab, labHost } from "../lab-helpers.js";
import { debugMessages, play } from "./playbook-helpers.js";

const yaml = (s: string) => s.replace(/^\n/, "");

describe("infra apply: options and keywords", () => {
  it("--start-at-task skips the tasks before it", async () => {
    const r = await play(
      {
        "site.yml":
          "- hosts: backup\n  gather_facts: no\n  tasks:\n    - {name: one, debug: {msg: one}}\n    - {name: two, debug: {msg: two}}\n",
      },
      ["--start-at-task", "two"],
    );
    expect(debugMessages(r.stdout)).toEqual(["backup: two"]);
  });

  it("handlers of a failed host run only with --force-handlers", async () => {
    const files = {
      "site.yml": yaml(`
- hosts: backup
  gather_facts: no
  handlers:
    - {name: h, debug: {msg: handler}}
  tasks:
    - {command: "true", notify: h}
    - command: /bin/false
`),
    };
    expect(debugMessages((await play(files)).stdout)).toEqual([]);
    const forced = await play(files, ["--force-handlers"]);
    expect(forced.code).toBe(2);
    expect(debugMessages(forced.stdout)).toEqual(["backup: handler"]);
  });

  it("import_playbook, any_errors_fatal, meta end_host and end_play", async () => {
    const r = await play({
      "site.yml": yaml(`
- import_playbook: inner.yml
- hosts: mysql-1,influx-1
  gather_facts: no
  tasks:
    - meta: end_host
      when: inventory_hostname == 'influx-1'
    - debug: msg=not-ended
- hosts: backup
  gather_facts: no
  tasks:
    - meta: end_play
    - debug: msg=never
`),
      "inner.yml": "- hosts: backup\n  gather_facts: no\n  tasks:\n    - debug: msg=imported\n",
    });
    expect(r.code, r.stdout).toBe(0);
    expect(debugMessages(r.stdout)).toEqual(["backup: imported", "mysql-1: not-ended"]);
    const fatal = await play({
      "site.yml": yaml(`
- hosts: mysql-1,influx-1
  gather_facts: no
  any_errors_fatal: true
  tasks:
    - command: /bin/false
      when: inventory_hostname == 'mysql-1'
    - debug: msg=after
`),
    });
    expect(fatal.code).toBe(2);
    expect(debugMessages(fatal.stdout)).toEqual([]);
  });

  it("failed_when, changed_when and per-task check_mode", async () => {
    const r = await play({
      "site.yml": yaml(`
- hosts: backup
  gather_facts: no
  tasks:
    - command: echo ERROR
      register: out
      failed_when: "'ERROR' in out.stdout"
      ignore_errors: true
    - command: "true"
      changed_when: false
    - copy: {content: x, dest: /tmp/infra-checkmode-task}
      check_mode: true
    - stat: {path: /tmp/infra-checkmode-task}
      register: st
    - debug: msg="{{ out.failed }} {{ st.stat.exists }}"
`),
    });
    expect(r.code, r.stdout).toBe(0);
    expect(debugMessages(r.stdout)).toEqual(["backup: True False"]);
    // As ansible-playbook counts it: the ignored failure was a change too, the check-mode copy would be one.
    expect(r.recap.backup).toMatchObject({ ok: 5, ignored: 1, changed: 2 });
  });

  it("-u, --private-key, -b, --become-user and -f with a bare inventory", async () => {
    const h = labHost("influx-1");
    const p = paths(lab().home);
    const r = await play(
      {
        "inv.ini": `influx-1 ansible_host=127.0.0.1 ansible_port=${h.port} ansible_ssh_common_args='-o UserKnownHostsFile=${p.knownHosts}'\n`,
        "site.yml":
          "- hosts: all\n  gather_facts: no\n  tasks:\n    - {command: id -un, register: me}\n    - debug: msg={{ me.stdout }}\n",
      },
      [
        "-i",
        "inv.ini",
        "-l",
        "influx-1",
        "-u",
        "ubuntu",
        "--private-key",
        p.key,
        "-b",
        "--become-user",
        "nobody",
        "-f",
        "1",
      ],
    );
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(debugMessages(r.stdout)).toEqual(["influx-1: nobody"]);
  });

  it("--vault-id label@file decrypts 1.2 vault values", async () => {
    const secret = encrypt(
      "vaulted-value-123",
      { label: "prod", password: Buffer.from("pw-prod") },
      { label: "prod" },
    );
    const r = await play(
      {
        pw: "pw-prod\n",
        "site.yml": `- hosts: backup\n  gather_facts: no\n  vars:\n    v: !vault |\n${secret
          .split("\n")
          .map((l) => `      ${l}`)
          .join("\n")}\n  tasks:\n    - debug: msg="{{ v | length }}"\n`,
      },
      ["--vault-id", "prod@pw"],
    );
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(debugMessages(r.stdout)).toEqual(["backup: 17"]);
  });

  it("--json prints one JSON event per line and a final summary", async () => {
    const r = await play(
      { "site.yml": "- hosts: backup\n  gather_facts: no\n  tasks:\n    - command: 'true'\n" },
      ["--json"],
    );
    const events = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { type: string; exitCode?: number; status?: string });
    expect(events.map((e) => e.type)).toContain("host_result");
    expect(events.at(-1)).toMatchObject({ type: "summary", exitCode: 0 });
    expect(events.find((e) => e.type === "host_result")!.status).toBe("changed");
  });

  it("-v shows results, -vvv shows task paths", async () => {
    const files = {
      "site.yml": "- hosts: backup\n  gather_facts: no\n  tasks:\n    - command: echo hello\n",
    };
    const v = await play(files, ["-v"]);
    expect(v.stdout).toMatch(/changed: \[backup\] => \{.*"stdout": "hello"/s);
    const vvv = await play(files, ["-vvv"]);
    expect(vvv.stdout).toMatch(/task path: .*site\.yml:4/);
  });
});
