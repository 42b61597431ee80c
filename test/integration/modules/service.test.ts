/**
 * service (and systemd) on the lab hosts, which run tini + init scripts: cron on `backup`, mariadb (and its `mysql`
 * script) on mysql-1. A service's state is host-wide, so the differential test alternates: one tool changes the
 * state, the other must then see nothing to do, and both must report the same result. Services are left running.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SshConnection } from "../../../src/transport/ssh.js";
import { ansible } from "./ansible-oracle.js";
import { connect, run, sh } from "./helpers.js";

let backup: SshConnection;
let db: SshConnection;
const B = { become: true };
const running = async (host: string, name: string) =>
  (await sh(host, `service ${name} status >/dev/null 2>&1 && echo up || echo down`)).trim();

beforeAll(async () => {
  backup = await connect("backup");
  db = await connect("mysql-1");
});
afterAll(async () => {
  await sh(
    "backup",
    "service cron status >/dev/null 2>&1 || service cron start; update-rc.d cron enable >/dev/null 2>&1; true",
  );
  await sh("mysql-1", "service mariadb status >/dev/null 2>&1 || service mariadb start; true");
  await backup.close();
  await db.close();
});

describe("service on init scripts", () => {
  it("alternates with ansible on cron: stop, start, restart, enabled", { timeout: 300_000 }, async () => {
    const ours = await run("service", { name: "cron", state: "stopped" }, backup, B);
    expect(ours).toEqual({ changed: true, name: "cron", state: "stopped" });
    expect(await running("backup", "cron")).toBe("down");
    const theirs = await ansible("backup", "service", { name: "cron", state: "stopped" }, { become: true });
    expect(theirs).toMatchObject({ changed: false, name: "cron", state: "stopped" });

    const theirsStart = await ansible(
      "backup",
      "service",
      { name: "cron", state: "started" },
      { become: true },
    );
    expect(theirsStart).toMatchObject({ changed: true });
    const before = backup.stats.roundTrips;
    expect(await run("service", { name: "cron", state: "started" }, backup, B)).toEqual({
      changed: false,
      name: "cron",
      state: "started",
    });
    expect(backup.stats.roundTrips - before).toBe(1);

    expect(await run("service", { name: "cron", state: "restarted" }, backup, B)).toMatchObject({
      changed: true,
      state: "started",
    });
    expect(await running("backup", "cron")).toBe("up");

    expect(await run("service", { name: "cron", enabled: false }, backup, B)).toEqual({
      changed: true,
      name: "cron",
      enabled: false,
    });
    expect(
      await ansible("backup", "service", { name: "cron", enabled: false }, { become: true }),
    ).toMatchObject({ changed: false });
    expect(
      await ansible("backup", "service", { name: "cron", enabled: true }, { become: true }),
    ).toMatchObject({ changed: true });
    expect(await run("service", { name: "cron", enabled: true, state: "started" }, backup, B)).toEqual({
      changed: false,
      name: "cron",
      enabled: true,
      state: "started",
    });
  });

  it("check mode reports without touching; unknown services fail as in ansible", async () => {
    const r = await run("service", { name: "cron", state: "stopped" }, backup, { ...B, check: true });
    expect(r).toEqual({ changed: true, msg: "service state changed" });
    expect(await running("backup", "cron")).toBe("up");
    const missing = await run("service", { name: "infra-t-nosuch", state: "started" }, backup, B);
    expect(missing).toMatchObject({
      failed: true,
      msg: "Could not find the requested service infra-t-nosuch: host",
    });
    const bad = await run("service", { name: "cron", state: "bounced" }, backup, B);
    const theirs = await ansible("backup", "service", { name: "cron", state: "bounced" }, { become: true });
    expect(bad.msg).toBe(theirs.msg);
    const none = await run("service", { name: "cron" }, backup, B);
    expect(none.msg).toBe("one of the following is required: state, enabled");
  });

  it("restarts mariadb through its init script and its mysql alias", { timeout: 300_000 }, async () => {
    const pid = async () =>
      (await sh("mysql-1", "cat /run/mysqld/mysqld.pid 2>/dev/null || echo none")).trim();
    const first = await pid();
    expect(await run("service", { name: "mariadb", state: "restarted" }, db, B)).toMatchObject({
      changed: true,
      state: "started",
    });
    expect(await pid()).not.toBe(first);
    expect(await running("mysql-1", "mariadb")).toBe("up");
    expect(await run("service", { name: "mysql", state: "started" }, db, B)).toMatchObject({
      changed: false,
    });
  });
});

describe("systemd on a host without systemd", () => {
  it("fails like ansible's systemd module", async () => {
    const ours = await run("systemd", { name: "cron", state: "started" }, backup, B);
    const theirs = await ansible("backup", "systemd", { name: "cron", state: "started" }, { become: true });
    expect(ours).toMatchObject({ failed: true, msg: theirs.msg });
    expect(
      await run("ansible.builtin.systemd_service", { name: "cron", state: "started" }, backup, B),
    ).toMatchObject({ failed: true });
  });
});
