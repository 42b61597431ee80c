/** Playbook keywords, each shown on real lab hosts through `infra apply`'s output and exit code. */
import { describe, expect, it } from "vitest";
import { run } from "../../../src/util/exec.js";
import { lab, sshRun } from "../lab-helpers.js";
import { ansiblePlaybook, recap as recapOf } from "./course-helpers.js";
import { debugMessages, play } from "./playbook-helpers.js";

const yaml = (s: string) => s.replace(/^\n/, "");

describe("infra apply: playbook keywords on lab hosts", () => {
  it("when, loop with loop_control, register and a condition on the registered result", async () => {
    const r = await play({
      "site.yml": yaml(`
- hosts: mysql-1
  gather_facts: no
  tasks:
    - command: echo {{ item.n }}
      loop: [{n: 1}, {n: 2}, {n: 3}]
      loop_control: { label: "{{ item.n }}" }
      register: out
      changed_when: false
    - debug: msg="{{ out.results | map(attribute='stdout') | join(',') }}"
    - debug: msg=skipped-by-when
      when: out.results | length > 5
    - debug: msg="{{ item.key }}={{ item.value }}"
      with_dict: { a: 1 }
`),
    });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain("ok: [mysql-1] => (item=1)");
    expect(debugMessages(r.stdout)).toEqual(["mysql-1: 1,2,3", "mysql-1: a=1"]);
    expect(r.recap["mysql-1"]).toMatchObject({ ok: 3, changed: 0, skipped: 1, failed: 0 });
  });

  it("block/rescue/always route a failure and count it as rescued", async () => {
    const r = await play({
      "site.yml": yaml(`
- hosts: mysql-1
  gather_facts: no
  tasks:
    - block:
        - command: /bin/false
        - debug: msg=not-reached
      rescue:
        - debug: msg=rescued
      always:
        - debug: msg=always
    - debug: msg=after
`),
    });
    expect(r.code, r.stdout).toBe(0);
    expect(debugMessages(r.stdout)).toEqual(["mysql-1: rescued", "mysql-1: always", "mysql-1: after"]);
    expect(r.recap["mysql-1"]).toMatchObject({ failed: 0, rescued: 1 });
  });

  it("a failing host stops only itself; exit code 2; ignore_errors continues", async () => {
    const r = await play({
      "site.yml": yaml(`
- hosts: mysql-1,influx-1
  gather_facts: no
  tasks:
    - command: /bin/false
      ignore_errors: true
    - command: /bin/false
      when: inventory_hostname == 'mysql-1'
    - debug: msg=still-here
`),
    });
    expect(r.code).toBe(2);
    expect(r.stdout).toContain("...ignoring");
    expect(r.stdout).toMatch(/fatal: \[mysql-1\]: FAILED! =>/);
    expect(debugMessages(r.stdout)).toEqual(["influx-1: still-here"]);
    expect(r.recap["mysql-1"]).toMatchObject({ failed: 1, ignored: 1 });
    expect(r.recap["influx-1"]).toMatchObject({ failed: 0, ignored: 1 });
  });

  it("handlers run once, in definition order, at flush points, for the hosts that notified them", async () => {
    const r = await play({
      "site.yml": yaml(`
- hosts: mysql-1,influx-1
  gather_facts: no
  handlers:
    - name: second
      debug: msg=handler-second
    - name: first
      debug: msg=handler-first
      listen: topic
  tasks:
    - command: "true"
      notify: [second, topic]
      when: inventory_hostname == 'mysql-1'
    - command: "true"
      notify: second
      when: inventory_hostname == 'mysql-1'
    - meta: flush_handlers
    - debug: msg=after-flush
`),
    });
    expect(r.code, r.stdout).toBe(0);
    expect(debugMessages(r.stdout)).toEqual([
      "mysql-1: handler-second",
      "mysql-1: handler-first",
      "mysql-1: after-flush",
      "influx-1: after-flush",
    ]);
    expect(r.stdout).toContain("RUNNING HANDLER [second]");
  });

  it("tags, skip-tags, always and never select tasks as Ansible does", async () => {
    const files = {
      "site.yml": yaml(`
- hosts: backup
  gather_facts: no
  tasks:
    - { debug: { msg: a }, tags: [one] }
    - { debug: { msg: b }, tags: [two] }
    - { debug: { msg: c }, tags: [always] }
    - { debug: { msg: d }, tags: [never, debug] }
`),
    };
    expect(debugMessages((await play(files, ["--tags", "one"])).stdout)).toEqual(["backup: a", "backup: c"]);
    expect(debugMessages((await play(files, ["--skip-tags", "one"])).stdout)).toEqual([
      "backup: b",
      "backup: c",
    ]);
    expect(debugMessages((await play(files, ["-t", "debug"])).stdout)).toEqual(["backup: c", "backup: d"]);
  });

  it("variables: precedence of role defaults < group_vars < play vars < role vars < task vars < extra vars", async () => {
    const r = await play(
      {
        "site.yml": yaml(`
- hosts: backup
  gather_facts: no
  vars: { from_play: play, over_group: play }
  roles: [r]
`),
        "group_vars/all.yml": "from_group: group\nover_group: group\nfrom_default: group\n",
        "roles/r/defaults/main.yml": "from_default: default\nonly_default: default\n",
        "roles/r/vars/main.yml": "from_play: rolevars\n",
        "roles/r/tasks/main.yml": yaml(`
- debug: msg="{{ only_default }} {{ from_default }} {{ from_group }} {{ over_group }} {{ from_play }} {{ t }} {{ x }}"
  vars: { t: task, x: task }
`),
      },
      ["-e", "x=extra"],
    );
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(debugMessages(r.stdout)).toEqual(["backup: default group group play rolevars task extra"]);
  });

  it("become to root and to another user, environment, and delegate_to localhost", async () => {
    const r = await play({
      "site.yml": yaml(`
- hosts: influx-1
  gather_facts: no
  tasks:
    - command: id -un
      register: plain
    - command: id -un
      become: yes
      register: root
    - command: id -un
      become: yes
      become_user: nobody
      register: nobody
    - shell: echo $GREETING
      environment: { GREETING: hello }
      register: env
    - command: hostname
      delegate_to: localhost
      register: local
    - debug: msg="{{ plain.stdout }} {{ root.stdout }} {{ nobody.stdout }} {{ env.stdout }} {{ local.stdout != 'influx-1' }}"
`),
    });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(debugMessages(r.stdout)).toEqual(["influx-1: ubuntu root nobody hello True"]);
  });

  it("until/retries/delay retry a task until its condition holds", async () => {
    await sshRun("backup", "rm -f /tmp/infra-until");
    const r = await play({
      "site.yml": yaml(`
- hosts: backup
  gather_facts: no
  tasks:
    - shell: echo x >> /tmp/infra-until; wc -l < /tmp/infra-until
      register: n
      until: n.stdout | int >= 3
      retries: 5
      delay: 0
    - debug: msg="{{ n.attempts }}"
`),
    });
    expect(r.code, r.stdout).toBe(0);
    expect(debugMessages(r.stdout)).toEqual(["backup: 3"]);
  });

  it("include_tasks, import_tasks and include_role load their files", async () => {
    const r = await play({
      "site.yml": yaml(`
- hosts: backup
  gather_facts: no
  tasks:
    - import_tasks: static.yml
    - include_tasks: "{{ 'dynamic' }}.yml"
    - include_role: { name: r }
`),
      "static.yml": "- debug: msg=static\n",
      "dynamic.yml": "- debug: msg=dynamic\n",
      "roles/r/tasks/main.yml": "- debug: msg=from-role\n",
    });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(debugMessages(r.stdout)).toEqual(["backup: static", "backup: dynamic", "backup: from-role"]);
    expect(r.stdout).toMatch(/included: .*dynamic\.yml for backup/);
  });

  it("--limit, --list-hosts and --list-tasks", async () => {
    const files = {
      "site.yml": yaml(`
- name: all of them
  hosts: all
  gather_facts: no
  tasks:
    - name: say hi
      debug: msg=hi
`),
    };
    const limited = await play(files, ["--limit", "backup"]);
    expect(Object.keys(limited.recap)).toEqual(["backup"]);
    const hosts = await play(files, ["--list-hosts"]);
    const theirs = await run("ansible-playbook", ["-i", lab().inventory, "site.yml", "--list-hosts"], {
      cwd: hosts.dir,
    });
    // Ansible's host order under `all` depends on Python's set order when groups have children: compare as sets.
    const listing = (s: string) =>
      s
        .slice(s.indexOf("play #1"))
        .trim()
        .split("\n")
        .map((l) => l.trim())
        .sort();
    expect(listing(hosts.stdout)).toEqual(listing(theirs.stdout));
    expect(hosts.stdout).toMatch(/hosts \(3\):/);
    const tasks = await play(files, ["--list-tasks"]);
    expect(tasks.stdout).toContain("say hi\tTAGS: []");
  });

  it("run_once runs on the first host only and shares the result", async () => {
    const r = await play({
      "site.yml": yaml(`
- hosts: mysql-1,influx-1
  gather_facts: no
  tasks:
    - command: hostname
      register: first
      run_once: true
    - debug: msg="{{ first.stdout }}"
`),
    });
    expect(r.code, r.stdout).toBe(0);
    expect(debugMessages(r.stdout)).toEqual(["mysql-1: mysql-1", "influx-1: mysql-1"]);
  });

  it("an unreachable host is reported UNREACHABLE, the others finish, exit code 4", async () => {
    const r = await play(
      {
        "extra.ini": "ghost ansible_host=127.0.0.1 ansible_port=1 ansible_user=ubuntu\n",
        "site.yml": yaml(`
- hosts: ghost,backup
  gather_facts: no
  tasks:
    - command: "true"
    - debug: msg=after
`),
      },
      ["-i", "extra.ini"],
    );
    expect(r.code).toBe(4);
    expect(r.stdout).toMatch(/fatal: \[ghost\]: UNREACHABLE! =>/);
    expect(debugMessages(r.stdout)).toEqual(["backup: after"]);
    expect(r.recap["ghost"]).toMatchObject({ unreachable: 1 });
  });

  it("free strategy and serial batches still run every host", async () => {
    const r = await play({
      "site.yml": yaml(`
- hosts: all
  gather_facts: no
  strategy: free
  tasks:
    - debug: msg=free
- hosts: all
  gather_facts: no
  serial: 1
  tasks:
    - debug: msg=serial
`),
    });
    expect(r.code, r.stdout).toBe(0);
    for (const h of ["mysql-1", "influx-1", "backup"]) expect(r.recap[h]).toMatchObject({ ok: 2, failed: 0 });
  });
  it("a play whose every host failed ends the playbook; a play with a survivor does not (as ansible-playbook)", async () => {
    const site = yaml(`
- hosts: mysql-1,influx-1
  gather_facts: no
  tasks:
    - command: /bin/false
      when: inventory_hostname == 'mysql-1'
- hosts: all
  gather_facts: no
  tasks:
    - debug: msg=second-play
- hosts: backup
  gather_facts: no
  serial: 1
  tasks:
    - command: /bin/false
- hosts: all
  gather_facts: no
  tasks:
    - debug: msg=never
`);
    const r = await play({ "site.yml": site });
    expect(r.code).toBe(2);
    expect(debugMessages(r.stdout).sort()).toEqual(["backup: second-play", "influx-1: second-play"]);
    expect(r.stdout).not.toContain("never");
    const theirs = await ansiblePlaybook(r.dir, ["-i", lab().inventory, "site.yml"]);
    expect(debugMessages(theirs.stdout).sort()).toEqual(debugMessages(r.stdout).sort());
    expect(theirs.stdout).not.toContain("never");
    expect(r.recap).toEqual(recapOf(theirs.stdout));
  });
  it("hostvars holds inventory vars, facts, set_fact and extra vars, not play vars (as ansible-playbook)", async () => {
    const site = yaml(`
- hosts: mysql-1,influx-1
  gather_facts: no
  vars:
    from_play: play
  tasks:
    - set_fact:
        from_fact: "fact-{{ inventory_hostname }}"
    - debug:
        msg: "{% for h in ['mysql-1', 'influx-1'] %}{{ h }}={{ hostvars[h].from_play | default('none') }},{{ hostvars[h].from_fact | default('none') }},{{ hostvars[h].from_extra | default('none') }},{{ hostvars[h].ansible_port is defined }},{{ hostvars[h].inventory_hostname }};{% endfor %}"
`);
    const r = await play({ "site.yml": site }, ["-e", "from_extra=x"]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const expected = "mysql-1=none,fact-mysql-1,x,True,mysql-1;influx-1=none,fact-influx-1,x,True,influx-1;";
    expect(debugMessages(r.stdout).sort()).toEqual([`influx-1: ${expected}`, `mysql-1: ${expected}`]);
    const theirs = await ansiblePlaybook(r.dir, ["-i", lab().inventory, "site.yml", "-e", "from_extra=x"]);
    expect(debugMessages(theirs.stdout).sort()).toEqual(debugMessages(r.stdout).sort());
  });
});

describe("infra apply: accounts changed mid-run", () => {
  it("a become_user task after the user's home and groups change sees the new ones, as a fresh sudo does", async () => {
    // Debian's `backup` system user (home /var/backups) is what the course's roles move to /home/backup: a helper
    // started for it before that change would keep the old HOME.
    const site = yaml(`
- hosts: mysql-1
  become: yes
  gather_facts: no
  tasks:
    - user: { name: infra-acct, home: /var/tmp/infra-acct-old, create_home: yes }
- hosts: mysql-1
  become: yes
  gather_facts: no
  tasks:
    - shell: echo "$HOME $(id -Gn)"
      become_user: infra-acct
      register: before
      changed_when: false
    - group: { name: infra-acct-extra }
    - user: { name: infra-acct, home: /var/tmp/infra-acct-new, move_home: yes, groups: infra-acct-extra }
    - shell: echo "$HOME $(id -Gn)"
      become_user: infra-acct
      register: after
      changed_when: false
    - debug: msg="{{ before.stdout }} | {{ after.stdout }}"
`);
    try {
      const r = await play({ "site.yml": site });
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(debugMessages(r.stdout)).toEqual([
        "mysql-1: /var/tmp/infra-acct-old infra-acct | /var/tmp/infra-acct-new infra-acct infra-acct-extra",
      ]);
    } finally {
      await sshRun("mysql-1", "sudo userdel -r infra-acct; sudo groupdel infra-acct-extra; true");
    }
  });
});
