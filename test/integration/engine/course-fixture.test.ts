import { describe, expect, it, beforeAll } from "vitest";
import { lab, sshRun } from "../lab-helpers.js";
import { courseRepo, infra, recap } from "./course-helpers.js";

const SECRET = "S3cr3t-vault-Passw0rd";
let repo: string;

describe("infra apply on a course-shaped repository", () => {
  beforeAll(async () => {
    repo = courseRepo(lab().inventory);
    // Start from hosts that never saw the fixture.
    for (const h of ["mysql-1", "influx-1", "backup"])
      await sshRun(h, "sudo rm -rf /etc/infra-fixture /srv/infra-report");
  });

  it("applies cleanly: every host ok, nothing failed or unreachable", async () => {
    const r = await infra(repo, ["apply", "infra.yaml"]);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const counts = recap(r.stdout);
    expect(Object.keys(counts).sort()).toEqual(["backup", "influx-1", "mysql-1"]);
    for (const c of Object.values(counts)) {
      expect(c.failed).toBe(0);
      expect(c.unreachable).toBe(0);
      expect(c.changed).toBeGreaterThan(0);
    }
    expect(r.stdout).not.toContain(SECRET);
  });

  it("left the hosts as the roles say: templates over groups/hostvars, modes, owners, handlers", async () => {
    const hosts = await sshRun("influx-1", "cat /etc/infra-fixture/hosts");
    const ips = await Promise.all(["mysql-1", "influx-1", "backup"].map((h) => sshRun(h, "hostname -I")));
    // groups['all'] order follows the inventory (Ansible's own varies with Python's set order), so compare lines.
    const lines = hosts.stdout.split("\n");
    expect(lines[0]).toBe("# Infra fixture: managed hosts");
    expect(lines.slice(1, 4).sort()).toEqual(
      ["mysql-1", "influx-1", "backup"].map((h, i) => `${ips[i]!.stdout.trim().split(" ")[0]} ${h}`).sort(),
    );
    expect(lines.slice(4)).toEqual(["# database: mysql-1", ""]);
    const st = await sshRun(
      "mysql-1",
      "sudo stat -c '%a %U %G' /etc/infra-fixture /etc/infra-fixture/data /etc/infra-fixture/db.cnf /etc/infra-fixture/motd",
    );
    expect(st.stdout.trim().split("\n")).toEqual([
      "755 root root",
      "750 root root",
      "600 root root",
      "644 root root",
    ]);
    const cnf = await sshRun("mysql-1", "sudo cat /etc/infra-fixture/db.cnf");
    expect(cnf.stdout).toBe(`user=backup\npassword=${SECRET}\n`);
    expect((await sshRun("mysql-1", "cat /etc/infra-fixture/role")).stdout).toBe("short name mysql\n");
    expect((await sshRun("influx-1", "test -e /etc/infra-fixture/role")).code).toBe(1);
    expect((await sshRun("backup", "cat /etc/infra-fixture/handler-ran")).stdout).toBe(
      "hosts template changed\n",
    );
    expect((await sshRun("backup", "cat /srv/infra-report/databases.txt")).stdout).toBe(
      "mysql-1 is a database server\n",
    );
  });

  it("a second run reports changed=0", async () => {
    const r = await infra(repo, ["apply", "infra.yaml"]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    for (const [host, c] of Object.entries(recap(r.stdout))) expect(c.changed, host).toBe(0);
  });

  it("--check --diff after a hand change shows exactly that change, changes nothing, and no secret", async () => {
    await sshRun("influx-1", "echo 'hand edit' | sudo tee -a /etc/infra-fixture/motd >/dev/null");
    await sshRun("mysql-1", "sudo sed -i 's/^password=.*/password=hand-edited/' /etc/infra-fixture/db.cnf");
    const r = await infra(repo, ["apply", "infra.yaml", "--check", "--diff"]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain("-hand edit");
    // Exactly that change: the one removed line (db.cnf's diff is no_log, so it is not shown at all).
    const changes = r.stdout.split("\n").filter((l) => /^[-+](?!--|\+\+)/.test(l));
    expect(changes).toEqual(["-hand edit"]);
    expect(r.stdout).not.toContain(SECRET);
    expect(r.stdout).not.toContain("hand-edited");
    const counts = recap(r.stdout);
    expect(counts["influx-1"]!.changed).toBe(1);
    expect(counts["mysql-1"]!.changed).toBe(1);
    expect(counts["backup"]!.changed).toBe(0);
    // Check mode changed nothing on the hosts.
    expect((await sshRun("influx-1", "tail -1 /etc/infra-fixture/motd")).stdout).toBe("hand edit\n");
    const fixed = await infra(repo, ["apply", "infra.yaml"]);
    expect(fixed.code).toBe(0);
    expect((await sshRun("influx-1", "tail -1 /etc/infra-fixture/motd")).stdout).not.toBe("hand edit\n");
  });
});
