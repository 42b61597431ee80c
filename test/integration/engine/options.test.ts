/** ansible-playbook's command-line options and the remaining play keywords, on lab hosts. */
import { describe, expect, it } from "vitest";
import { paths } from "../../../src/lab/files.js";
import { encrypt } from "../../../src/vault/vault.js";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { run } from "../../../src/util/exec.js";
import { lab, labHost, sshRun } from "../lab-helpers.js";
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

  it("-K asks for the become password and answers sudo with it; a wrong one fails the host, never shown", async () => {
    // carol may sudo on the backup host, but only with her password (the lab's ubuntu needs none).
    const PW = 'carol\'s $(pw) "x"';
    const setup = await sshRun(
      "backup",
      `sudo sh -c 'id carol >/dev/null 2>&1 || useradd -m -s /bin/bash carol
install -d -m 700 -o carol -g carol /home/carol/.ssh
install -m 600 -o carol -g carol /home/ubuntu/.ssh/authorized_keys /home/carol/.ssh/authorized_keys
echo "carol ALL=(ALL) ALL" >/etc/sudoers.d/carol && rm -f /run/sudo/ts/carol && chpasswd'`,
      "ubuntu",
      `carol:${PW}\n`,
    );
    expect(setup.code, setup.stderr).toBe(0);
    try {
      const dir = mkdtempSync(join(tmpdir(), "infra-play-"));
      // An inventory that leaves the user to -u (an inventory ansible_user would win over it, as in Ansible).
      const h = labHost("backup");
      const p = paths(lab().home);
      writeFileSync(
        join(dir, "inv.ini"),
        `backup ansible_host=127.0.0.1 ansible_port=${h.port} ansible_ssh_common_args='-o UserKnownHostsFile=${p.knownHosts}'\n`,
      );
      writeFileSync(
        join(dir, "site.yml"),
        "- hosts: backup\n  gather_facts: no\n  become: yes\n  tasks:\n    - {command: id -un, register: me}\n    - debug: msg={{ me.stdout }}\n",
      );
      const applyAs = (input: string) =>
        run(
          process.execPath,
          [
            resolve("bin/infra.js"),
            "apply",
            "-i",
            "inv.ini",
            "site.yml",
            "-u",
            "carol",
            "--private-key",
            p.key,
            "-K",
          ],
          {
            cwd: dir,
            env: { ...process.env, ANSIBLE_NOCOLOR: "1" },
            input,
          },
        );
      // The wrong one first: after a right one, sudo may not ask again for a while (its timestamp).
      const wrong = await applyAs("not-her-password\n");
      expect(wrong.code, wrong.stdout).toBe(2);
      expect(wrong.stdout).toMatch(/fatal: \[backup\]: FAILED!.*incorrect sudo password/);
      expect(wrong.stdout + wrong.stderr).not.toContain("not-her-password");
      const ok = await applyAs(`${PW}\n`);
      expect(ok.code, ok.stdout + ok.stderr).toBe(0);
      expect(ok.stderr).toContain("BECOME password: ");
      expect(debugMessages(ok.stdout)).toEqual(["backup: root"]);
      expect(ok.stdout + ok.stderr).not.toContain(PW);
    } finally {
      // sudo's timestamp outlives the user: a later carol must be asked again.
      await sshRun(
        "backup",
        "sudo sh -c 'userdel -r carol 2>/dev/null; rm -f /etc/sudoers.d/carol /run/sudo/ts/carol'",
      );
    }
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
  it("on a terminal, live progress per host (listr2), then the results and PLAY RECAP; no width, plain lines", async () => {
    const dir = mkdtempSync(join(tmpdir(), "infra-tty-"));
    writeFileSync(
      join(dir, "site.yml"),
      "- hosts: mysql-1,influx-1\n  gather_facts: no\n  tasks:\n    - name: first\n      command: 'true'\n    - name: second\n      debug: msg=hi\n",
    );
    const cmd = `${process.execPath} ${resolve("bin/infra.js")} apply -i ${lab().inventory} site.yml`;
    // util-linux's script gives the run a pseudo-terminal; stty sets the width a real terminal would report.
    const tty = (prefix: string) =>
      run("script", ["-qec", `cd ${dir} && ${prefix}${cmd}`, "/dev/null"], {
        env: { ...process.env, TERM: "xterm" },
      });
    const wide = await tty("stty cols 100 rows 40; ");
    expect(wide.code, wide.stdout).toBe(0);
    expect(wide.stdout).toContain("\x1b[?25l"); // listr2 hides the cursor while it redraws
    expect(wide.stdout).toMatch(/mysql-1 {2}ok=2 changed=1 failed=0 skipped=0/);
    expect(wide.stdout).toContain("TASK [second]");
    expect(wide.stdout).toMatch(/PLAY RECAP \*+\r?\n/);
    const bare = await tty("");
    expect(bare.code).toBe(0);
    expect(bare.stdout).not.toContain("\x1b[?25l");
    expect(bare.stdout).toMatch(/TASK \[first\] \*+\r?\n.*changed: \[(mysql|influx)-1\]/);
  });
  it("forks: by default (5) the three hosts run a task at once; with -f 1 one after another", async () => {
    const site = yaml(`
- hosts: all
  gather_facts: no
  tasks:
    - shell: "s=$(date +%s.%N); sleep 1; echo $s $(date +%s.%N)"
      register: span
      changed_when: false
    - debug: msg="{{ span.stdout }}"
`);
    // Each host's [start, end] of the sleeping task; the hosts share this machine's clock.
    const spans = (stdout: string) =>
      debugMessages(stdout).map((m) => m.split(": ")[1]!.split(" ").map(Number) as [number, number]);
    const overlaps = (xs: [number, number][]) =>
      xs.some((a, i) => xs.some((b, j) => i !== j && a[0] < b[1] && b[0] < a[1]));
    const parallel = await play({ "site.yml": site });
    expect(parallel.code, parallel.stdout).toBe(0);
    expect(spans(parallel.stdout)).toHaveLength(3);
    expect(overlaps(spans(parallel.stdout))).toBe(true);
    const serial = await play({ "site.yml": site }, ["-f", "1"]);
    expect(spans(serial.stdout)).toHaveLength(3);
    expect(overlaps(spans(serial.stdout))).toBe(false);
  });
});
