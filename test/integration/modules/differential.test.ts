/**
 * Every module's common forms (test/fixtures/module-forms) applied by `infra apply` to the test lab and by Debian's
 * `ansible-playbook` to a twin lab, from the same clean start: check mode first (same task results, nothing
 * touched), then a real run with --diff, then a second run. Each step must give the same per-task results, and the
 * hosts the same state: files with content, mode and owner; users and groups; cron files; MySQL grants from
 * SHOW GRANTS; InfluxDB databases, users and grants. Generated keys and addresses differ by nature and are masked.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { resolve } from "node:path";
import { labUp } from "../../../src/lab/lab.js";
import { labHome, paths } from "../../../src/lab/files.js";
import { ansiblePlaybook, infra, recap } from "../engine/course-helpers.js";
import { lab, sshRunIn } from "../lab-helpers.js";

const FIXTURE = resolve("test/fixtures/module-forms");
const TWIN = "twin";
const HOSTS = ["mysql-1", "influx-1", "backup"];
const MYSQL = "sudo mysql -N --socket=/run/mysqld/mysqld.sock";

/** Removes whatever the fixture manages, so both labs start from the same state. */
const RESET = [
  "sudo rm -rf /srv/forms /etc/cron.d/forms-jobs",
  "sudo crontab -r -u formsuser 2>/dev/null",
  "sudo userdel -r formsuser 2>/dev/null",
  "sudo groupdel formsgrp 2>/dev/null; sudo groupdel formssys 2>/dev/null",
  "sudo DEBIAN_FRONTEND=noninteractive apt-get -y -q purge sl >/dev/null 2>&1",
  `if command -v mysql >/dev/null && [ -S /run/mysqld/mysqld.sock ]; then ${MYSQL} -e "DROP DATABASE IF EXISTS forms_db; DROP USER IF EXISTS 'forms_reader'@'localhost', 'forms_writer'@'%', 'forms_appender'@'localhost'"; fi`,
  "if command -v influx >/dev/null; then influx -execute 'DROP DATABASE forms_metrics' >/dev/null 2>&1; influx -execute 'DROP USER forms_influx' >/dev/null 2>&1; fi",
  "true",
].join("; ");

/** What the fixture manages on a host, as comparable text. */
const STATE = [
  "getent passwd formsuser formsgone | cut -d: -f1,3,6,7",
  "id -gn formsuser 2>/dev/null; id -Gn formsuser 2>/dev/null | tr ' ' '\\n' | sort | tr '\\n' ' '; echo",
  // A system group's gid is the system's choice (and earlier tests took some on one lab): only its range counts.
  "getent group formsgrp | cut -d: -f1,3,4",
  'getent group formssys | awk -F: \'{print $1, ($3 < 1000 ? "system" : "user"), $4}\'',
  "sudo find /srv/forms /home/formsuser/.ssh /etc/cron.d/forms-jobs -printf '%p %y %m %u %g %n %l\\n' 2>/dev/null | sort",
  'for f in $(sudo find /srv/forms /home/formsuser/.ssh /etc/cron.d/forms-jobs -type f 2>/dev/null | sort); do echo "== $f"; sudo cat "$f"; done',
  "echo '== crontab'; sudo crontab -l -u formsuser 2>&1",
  "dpkg-query -W -f '${Package} ${Status}\\n' sl 2>/dev/null",
  `if [ -S /run/mysqld/mysqld.sock ]; then ${MYSQL} -e "SHOW DATABASES LIKE 'forms%'"; for u in "'forms_reader'@'localhost'" "'forms_writer'@'%'" "'forms_appender'@'localhost'"; do ${MYSQL} -e "SHOW GRANTS FOR $u" 2>&1; done; fi`,
  // _internal is InfluxDB's own monitoring database: it appears a while after the server starts.
  "if command -v influx >/dev/null; then influx -execute 'SHOW DATABASES' | grep -vx _internal; influx -execute 'SHOW USERS'; influx -execute 'SHOW GRANTS FOR forms_influx' 2>&1; fi",
].join("; ");

async function state(labName: string, host: string): Promise<string> {
  let text = (await sshRunIn(labName, host, STATE)).stdout;
  for (const h of HOSTS)
    for (const ip of (await sshRunIn(labName, h, "hostname -I")).stdout.trim().split(/\s+/).filter(Boolean))
      text = text.split(ip).join(`<ip of ${h}>`);
  return text
    .replace(/-----BEGIN OPENSSH PRIVATE KEY-----[\s\S]*?-----END OPENSSH PRIVATE KEY-----/g, "<private key>")
    .replace(/(ssh-ed25519 )AAAA[A-Za-z0-9+/=]+( formsuser@forms| forms-key)/g, "$1<generated key>$2");
}

/** Each task's result per host, sorted within the task (hosts finish in any order): "task | status: [host]". */
function results(stdout: string): string[] {
  const out: string[] = [];
  let task = "";
  let group: string[] = [];
  const flush = () => out.push(...group.sort().map((g) => `${task} | ${g}`));
  for (const line of stdout.split("\n")) {
    const t = /^(TASK|RUNNING HANDLER) \[(.*)\] \*+$/.exec(line);
    if (t) {
      flush();
      task = t[2]!;
      group = [];
      continue;
    }
    const r = /^(ok|changed|skipping|fatal|failed): \[([^\]]+)\]/.exec(line);
    if (r) group.push(`${r[1]}: [${r[2]}]`);
  }
  flush();
  return out;
}

/** Each changed task's diff, per host: the lines the default callback prints before "changed: [host]". */
function diffs(stdout: string): Record<string, string> {
  const out: Record<string, string> = {};
  let task = "";
  let pending: string[] = [];
  // A result printed after its status line ("ok: [h] => {" … "}", as debug's) is not a diff: it would otherwise
  // join the next host's block, and which host that is depends on the order the hosts finished in.
  let inResult = false;
  for (const line of stdout.split("\n")) {
    if (inResult) {
      inResult = line !== "}";
      continue;
    }
    const t = /^(TASK|RUNNING HANDLER) \[(.*)\] \*+$/.exec(line);
    if (t) {
      task = t[2]!;
      pending = [];
      continue;
    }
    const r = /^(ok|changed|skipping|fatal|failed): \[([^\]]+)\]/.exec(line);
    if (r) {
      const text = pending
        .join("\n")
        // Ansible names the rendered temporary file, infra the template: both end in the template's name.
        .replace(/^\+\+\+ after: \/\S+\/([^/\s]+\.j2)$/m, "+++ after: <template $1>")
        // pause's countdown text is Ansible's display, not a diff.
        .replace(/^Pausing for .*\n\(ctrl\+C.*$/m, "")
        .trim();
      if (text) out[`${task} | ${r[2]}`] = text;
      pending = [];
      inResult = / => \{$/.test(line);
    } else pending.push(line);
  }
  return out;
}

/** Hand changes an operator might make, one per kind of module, on both labs alike. */
const DRIFT: Record<string, string> = {
  "mysql-1": `sudo mysql --socket=/run/mysqld/mysqld.sock -e "REVOKE SHOW VIEW ON forms_db.* FROM 'forms_appender'@'localhost'"`,
  "influx-1": "influx -execute 'REVOKE READ ON forms_metrics FROM forms_influx'",
  all: [
    "sudo chmod 0600 /srv/forms/conf/motd.txt",
    "echo extra | sudo tee -a /srv/forms/conf/hosts.conf >/dev/null",
    "sudo sed -i s/other=2/other=3/ /srv/forms/conf/edit.conf",
    "sudo sed -i s/alpha=1/alpha=9/ /srv/forms/conf/block.conf",
    "sudo gpasswd -d formsuser adm >/dev/null",
    "sudo crontab -r -u formsuser",
    "sudo sed -i 's/^15 2/16 2/' /etc/cron.d/forms-jobs",
    "sudo rm /srv/forms/links/app.conf /srv/forms/conf/known_hosts",
    "sudo sed -i 1d /srv/forms/conf/authorized_keys",
  ].join(" && "),
};

const ours = (args: string[]) => infra(FIXTURE, ["apply", "-i", lab().inventory, "site.yml", ...args]);
const theirs = (args: string[]) =>
  ansiblePlaybook(FIXTURE, ["-i", paths(labHome(TWIN)).inventory, "site.yml", ...args]);

async function snapshot(labName: string): Promise<Record<string, string>> {
  return Object.fromEntries(await Promise.all(HOSTS.map(async (h) => [h, await state(labName, h)])));
}

describe("module forms: infra apply vs ansible-playbook on twin labs", () => {
  let empty: Record<string, string>;

  beforeAll(async () => {
    await labUp({ lab: TWIN });
    for (const l of [lab().name, TWIN]) for (const h of HOSTS) await sshRunIn(l, h, RESET);
    empty = await snapshot(lab().name);
    expect(await snapshot(TWIN)).toEqual(empty);
  }, 900_000);

  it("check mode on clean hosts: the same results, and nothing changes", async () => {
    const a = await ours(["--check", "--diff"]);
    const b = await theirs(["--check", "--diff"]);
    expect(results(a.stdout), a.stdout + a.stderr).toEqual(results(b.stdout));
    expect(recap(a.stdout)).toEqual(recap(b.stdout));
    expect(a.code).toBe(b.code);
    expect(await snapshot(lab().name)).toEqual(empty);
  }, 900_000);

  it("a real run: the same results and the same host state", async () => {
    const a = await ours(["--diff"]);
    expect(a.code, a.stdout + a.stderr).toBe(0);
    const b = await theirs(["--diff"]);
    expect(b.code, b.stdout + b.stderr).toBe(0);
    expect(results(a.stdout)).toEqual(results(b.stdout));
    expect(recap(a.stdout)).toEqual(recap(b.stdout));
    const mine = await snapshot(lab().name);
    const twin = await snapshot(TWIN);
    for (const h of HOSTS) {
      expect(mine[h], `state of ${h}`).toBe(twin[h]);
      expect(mine[h]).toContain("/srv/forms/conf/app.conf f 640 formsuser formsgrp");
    }
    expect(mine["mysql-1"]).toContain(
      "GRANT SELECT, LOCK TABLES ON `forms_db`.* TO `forms_reader`@`localhost`",
    );
    expect(mine["mysql-1"]).toContain("GRANT SHOW VIEW ON `forms_db`.* TO `forms_appender`@`localhost`");
    expect(mine["influx-1"]).toMatch(/forms_metrics/);
  }, 900_000);

  it("a second run changes nothing, in both tools", async () => {
    const a = await ours([]);
    const b = await theirs([]);
    expect(results(a.stdout).filter((r) => /\| (changed|fatal|failed):/.test(r))).toEqual([]);
    expect(results(a.stdout)).toEqual(results(b.stdout));
    for (const h of HOSTS) expect(recap(a.stdout)[h]).toMatchObject({ changed: 0, failed: 0 });
    expect(recap(a.stdout)).toEqual(recap(b.stdout));
  }, 900_000);
  it("after hand changes, --check --diff: the same results and diffs, and nothing is put back", async () => {
    for (const l of [lab().name, TWIN])
      for (const h of HOSTS) {
        const r = await sshRunIn(l, h, [DRIFT.all, DRIFT[h] ?? "true"].join(" && "));
        expect(r.code, r.stderr).toBe(0);
      }
    const drifted = await snapshot(lab().name);
    expect(await snapshot(TWIN)).toEqual(drifted);
    const a = await ours(["--check", "--diff"]);
    const b = await theirs(["--check", "--diff"]);
    expect(results(a.stdout), a.stdout).toEqual(results(b.stdout));
    const changed = results(a.stdout).filter((r) => r.includes("| changed:"));
    const tasks = [...new Set(changed.map((r) => r.split(" | ")[0]))].sort();
    expect(tasks).toEqual([
      "a user with a grant",
      "appended privileges",
      "blockinfile with a marker",
      "copy from the files folder",
      "cron job in a cron.d file",
      "known host",
      "lineinfile replaces by regexp",
      "symlink",
      "template looping over groups and hostvars",
      "two keys, exclusive, in a file of their own",
      "user appended to a group",
      "user crontab entry",
    ]);
    expect(changed.length).toBe(10 * 3 + 2);
    // infra also shows user and mysql_user diffs (Ansible's have none); the rest must be Ansible's, byte for byte.
    const ownDiffs = ["user appended to a group", "appended privileges"];
    const mine = Object.fromEntries(
      Object.entries(diffs(a.stdout)).filter(([k]) => !ownDiffs.includes(k.split(" | ")[0]!)),
    );
    for (const t of ownDiffs) expect(Object.keys(diffs(a.stdout)).some((k) => k.startsWith(t))).toBe(true);
    expect(mine).toEqual(diffs(b.stdout));
    expect(await snapshot(lab().name)).toEqual(drifted);
  }, 900_000);
});
