import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { labUp } from "../../../src/lab/lab.js";
import { run } from "../../../src/util/exec.js";
import { lab, sshRun } from "../lab-helpers.js";

describe("infra lab hosts", () => {
  it("mysql-1 serves database agama to `sudo mysql` over SSH as ubuntu", async () => {
    const r = await sshRun("mysql-1", "sudo mysql -N -e 'select count(*) from agama.item'");
    expect(r.stderr).toBe("");
    expect(Number(r.stdout.trim())).toBeGreaterThan(0);
    expect(r.code).toBe(0);
  });

  it("influx-1 has database telegraf with sample points", async () => {
    const dbs = await sshRun("influx-1", "influx -execute 'show databases'");
    expect(dbs.code).toBe(0);
    expect(dbs.stdout.split("\n")).toContain("telegraf");
    const points = await sshRun(
      "influx-1",
      "influx -database telegraf -format csv -execute 'select count(*) from cpu'",
    );
    expect(points.stdout).toMatch(/cpu,0,\d+/);
  });

  it("every host has duplicity, rsync and cron like a course VM", async () => {
    for (const host of ["mysql-1", "influx-1", "backup"]) {
      const r = await sshRun(
        host,
        "duplicity --version && rsync --version | head -1 && pgrep -x cron >/dev/null",
      );
      expect(r.code, `${host}: ${r.stderr}`).toBe(0);
      expect(r.stdout).toMatch(/^duplicity 0\.8/);
    }
  });

  it("answers `service mysql` as a course VM does, and restarts keep data", async () => {
    const r = await sshRun(
      "mysql-1",
      "sudo service mysql restart >/dev/null && sudo mysql -N -e 'select 1 from agama.item limit 1'",
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe("1");
  });

  it("hosts reach each other by name (the backup server is `backup`)", async () => {
    const r = await sshRun(
      "mysql-1",
      "getent hosts backup && ssh-keyscan -T 5 backup 2>/dev/null | grep -c ssh-ed25519",
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split("\n").pop()).toBe("1");
  });

  it("root logs in with the same key, and host keys are checked strictly", async () => {
    const r = await sshRun("backup", "id -u", "root");
    expect(r.stdout.trim()).toBe("0");
  });

  it("writes an INI inventory with course-like groups and connection variables", () => {
    const ini = readFileSync(lab().inventory, "utf8");
    expect(ini).toMatch(
      /^\[db_servers\]\nmysql-1 ansible_host=127\.0\.0\.1 ansible_port=\d+ ansible_user=ubuntu /m,
    );
    expect(ini).toMatch(/^\[mysql:children\]\ndb_servers$/m);
    expect(ini).toMatch(/^\[influxdb\]\ninflux-1 /m);
    expect(ini).toMatch(/^\[backup\]\nbackup /m);
    expect(ini).toContain("ansible_ssh_private_key_file=");
  });

  it("Debian's ansible pings every host through the inventory", async () => {
    const r = await run("ansible", ["-i", lab().inventory, "all", "-m", "ping", "-o"], {
      env: { ...process.env, ANSIBLE_HOST_KEY_CHECKING: "True", ANSIBLE_NOCOLOR: "1" },
    });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    for (const host of ["mysql-1", "influx-1", "backup"])
      expect(r.stdout).toMatch(new RegExp(`^${host} \\| SUCCESS`, "m"));
  });

  it("a second `up` keeps the same hosts and ports", async () => {
    const before = lab().state;
    const again = await labUp({ lab: lab().name });
    expect(again.hosts.map((h) => [h.name, h.port])).toEqual(before.hosts.map((h) => [h.name, h.port]));
    expect(existsSync(lab().inventory)).toBe(true);
  });
});
