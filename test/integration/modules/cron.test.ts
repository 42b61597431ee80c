/**
 * cron against a lab host: Debian's ansible writes jobs into user infra_t_cron_a's crontab and /etc/cron.d/infra-t-cron-a,
 * infra into infra_t_cron_b's and /etc/cron.d/infra-t-cron-b; the crontabs and cron files must come out
 * byte-identical (names aside), with the same `changed` flags. Then no change (one round trip), check mode, diff,
 * removing the last job of a cron file, and bad arguments.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SshConnection } from "../../../src/transport/ssh.js";
import { ansibleBatch } from "./ansible-batch.js";
import { connect, run, sh } from "./helpers.js";

const HOST = "backup";
let conn: SshConnection;
const B = { become: true };

async function cleanup() {
  await sh(
    HOST,
    "for u in infra_t_cron_a infra_t_cron_b; do crontab -r -u $u 2>/dev/null; userdel $u 2>/dev/null; done; rm -f /etc/cron.d/infra-t-cron-*; true",
  );
}
beforeAll(async () => {
  conn = await connect(HOST);
  await cleanup();
  await sh(HOST, "useradd infra_t_cron_a; useradd infra_t_cron_b");
});
afterAll(async () => {
  await cleanup();
  await conn.close();
});

/** The steps of a realistic cron setup, for user `u` and cron file `f`. */
function steps(u: string, f: string): Record<string, unknown>[] {
  return [
    { name: "backup", user: u, minute: "0", hour: "2", job: "/usr/local/bin/backup.sh" },
    { name: "cleanup", user: u, special_time: "daily", job: "find /tmp -mtime +7 -delete" },
    { name: "PATH", user: u, env: true, job: "/usr/bin:/bin" },
    { name: "MAILTO", user: u, env: true, job: "ops@example.com", insertafter: "PATH" },
    {
      name: "backup",
      user: u,
      minute: "30",
      hour: "3",
      weekday: "1-5",
      job: "/usr/local/bin/backup.sh --full",
    },
    { name: "disabled one", user: u, job: "echo off", disabled: true },
    { name: "cleanup", user: u, state: "absent" },
    { name: "backup", user: u, minute: "0", hour: "2", job: "/usr/local/bin/backup.sh" },
    { name: "gather", cron_file: f, user: "root", minute: "*/5", job: "/usr/bin/gather >/dev/null 2>&1" },
    { name: "SHELL", cron_file: f, user: "root", env: true, job: "/bin/bash" },
    { name: "gather", cron_file: f, user: "root", minute: "*/5", job: "/usr/bin/gather >/dev/null 2>&1" },
  ];
}

const snapshot = (u: string, f: string) =>
  sh(HOST, `crontab -l -u ${u} 2>&1; echo ==; stat -c '%a %U %G' ${f}; cat ${f}`);

describe("cron", () => {
  it("writes the same crontab and cron file as ansible, step by step", { timeout: 600_000 }, async () => {
    const theirs = await ansibleBatch(
      HOST,
      steps("infra_t_cron_a", "infra-t-cron-a").map((args) => ({ module: "cron", args })),
    );
    const changed: unknown[] = [];
    for (const args of steps("infra_t_cron_b", "infra-t-cron-b"))
      changed.push((await run("cron", args, conn, B)).changed);
    expect(changed).toEqual(theirs.map((r) => r.changed));
    const a = await snapshot("infra_t_cron_a", "/etc/cron.d/infra-t-cron-a");
    const b = await snapshot("infra_t_cron_b", "/etc/cron.d/infra-t-cron-b");
    expect(b.replace(/cron_b|cron-b/g, "X")).toBe(a.replace(/cron_a|cron-a/g, "X"));
    expect(b).toContain("#Ansible: backup\n0 2 * * * /usr/local/bin/backup.sh\n");
  });

  it("no change costs one round trip; check mode and diff", async () => {
    const job = {
      name: "backup",
      user: "infra_t_cron_b",
      minute: "0",
      hour: "2",
      job: "/usr/local/bin/backup.sh",
    };
    const before = conn.stats.roundTrips;
    expect(await run("cron", job, conn, B)).toMatchObject({ changed: false });
    expect(conn.stats.roundTrips - before).toBe(1);

    const old = await sh(HOST, "crontab -l -u infra_t_cron_b");
    const r = await run("cron", { ...job, hour: "4" }, conn, { ...B, check: true, diff: true });
    expect(r).toMatchObject({
      changed: true,
      diff: { before: old, before_header: 'crontab for user "infra_t_cron_b"' },
    });
    expect((r.diff as { after: string }).after).toContain("0 4 * * * /usr/local/bin/backup.sh");
    expect(await sh(HOST, "crontab -l -u infra_t_cron_b")).toBe(old);
  });

  it("removes a cron file with its last job; bad arguments fail as in ansible", async () => {
    const f = "infra-t-cron-c";
    await run("cron", { name: "x", cron_file: f, user: "root", job: "true" }, conn, B);
    expect(await sh(HOST, `stat -c '%a %U' /etc/cron.d/${f}`)).toBe("644 root\n");
    const gone = await run("cron", { name: "x", cron_file: f, state: "absent" }, conn, B);
    expect(gone).toMatchObject({ changed: true, cron_file: f, state: "absent" });
    expect(await sh(HOST, `ls /etc/cron.d/${f} 2>/dev/null || echo none`)).toBe("none\n");

    const noUser = await run("cron", { name: "x", cron_file: f, job: "true" }, conn, B);
    expect(noUser).toMatchObject({
      failed: true,
      msg: "To use cron_file=... parameter you must specify user=... as well",
    });
    const both = await run("cron", { name: "x", special_time: "daily", hour: "1", job: "true" }, conn, B);
    expect(both).toMatchObject({
      failed: true,
      msg: "You must specify time and date fields or special time.",
    });
    const badChoice = await run("cron", { name: "x", special_time: "sometimes", job: "true" }, conn, B);
    expect(badChoice.msg).toBe(
      "value of special_time must be one of: reboot, yearly, annually, monthly, weekly, daily, hourly, got: sometimes",
    );
  });
});
