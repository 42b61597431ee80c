/**
 * systemd on a host where PID 1 is systemd (systemd-host.ts): change, no change in one round trip, check mode,
 * diff mode (Ansible's systemd has no diff: neither has infra's) and bad arguments. Each step alternates with
 * Debian's ansible on the same host: one tool changes the unit, the other must then find nothing to do.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SshConnection } from "../../../src/transport/ssh.js";
import { ansible } from "./ansible-oracle.js";
import { run } from "./helpers.js";
import { startSystemdHost, type SystemdHost } from "./systemd-host.js";

let sd: SystemdHost;
let conn: SshConnection;
const B = { become: true };
const theirs = (args: Record<string, unknown>, o: { check?: boolean; diff?: boolean } = {}) =>
  ansible("sd", "systemd", args, { become: true, inventory: sd.inventory, knownHosts: sd.knownHosts, ...o });
const active = async () => (await sd.root("systemctl is-active cron || true")).trim();
const enabled = async () => (await sd.root("systemctl is-enabled cron || true")).trim();

beforeAll(async () => {
  sd = await startSystemdHost();
  conn = await sd.connect();
}, 600_000);
afterAll(async () => {
  await conn?.close();
  await sd?.remove();
});

describe("systemd where PID 1 is systemd", () => {
  it(
    "stops and starts a unit, alternating with ansible; no change is one round trip",
    { timeout: 300_000 },
    async () => {
      expect(await sd.root("cat /proc/1/comm")).toBe("systemd\n");
      expect(await active()).toBe("active");

      const check = await run("systemd", { name: "cron", state: "stopped" }, conn, { ...B, check: true });
      expect(check).toMatchObject({ changed: true, name: "cron", state: "stopped" });
      expect(await active()).toBe("active");
      expect(await theirs({ name: "cron", state: "stopped" }, { check: true })).toMatchObject({
        changed: true,
      });

      const stop = await run("systemd", { name: "cron", state: "stopped" }, conn, B);
      expect(stop).toMatchObject({ changed: true, name: "cron", state: "stopped" });
      expect((stop.status as Record<string, string>).ActiveState).toBe("active"); // the status before, as Ansible
      expect(await active()).toBe("inactive");
      expect(await theirs({ name: "cron", state: "stopped" })).toMatchObject({ changed: false });

      const before = conn.stats.roundTrips;
      expect(await run("systemd", { name: "cron", state: "stopped" }, conn, B)).toMatchObject({
        changed: false,
      });
      expect(conn.stats.roundTrips - before).toBe(1);

      expect(await theirs({ name: "cron", state: "started" })).toMatchObject({ changed: true });
      expect(await run("systemd", { name: "cron", state: "started" }, conn, B)).toMatchObject({
        changed: false,
      });
      const restart = await run("systemd", { name: "cron", state: "restarted" }, conn, B);
      expect(restart).toMatchObject({ changed: true });
      expect(await active()).toBe("active");
    },
  );

  it(
    "enables and disables, with daemon_reload; check mode changes nothing",
    { timeout: 300_000 },
    async () => {
      const planned = await run("systemd", { name: "cron", enabled: false }, conn, { ...B, check: true });
      expect(planned).toMatchObject({ changed: true, enabled: false });
      expect(await enabled()).toBe("enabled");

      const off = await run("systemd", { name: "cron", enabled: false, daemon_reload: true }, conn, B);
      expect(off).toMatchObject({ changed: true, enabled: false, name: "cron" });
      expect(await enabled()).toBe("disabled");
      expect(await theirs({ name: "cron", enabled: false })).toMatchObject({ changed: false });

      expect(await theirs({ name: "cron", enabled: true })).toMatchObject({ changed: true });
      expect(await run("systemd", { name: "cron", enabled: true }, conn, B)).toMatchObject({
        changed: false,
      });
      expect(await enabled()).toBe("enabled");
    },
  );

  it(
    "masks and unmasks as ansible does; diff mode adds no diff, as in Ansible",
    { timeout: 300_000 },
    async () => {
      const masked = await run("systemd", { name: "cron", masked: true }, conn, { ...B, diff: true });
      expect(masked).toMatchObject({ changed: true });
      expect(masked.diff).toBeUndefined();
      expect(await enabled()).toBe("masked");
      const theirsMasked = await theirs({ name: "cron", masked: true }, { diff: true });
      expect(theirsMasked).toMatchObject({ changed: false });
      expect(theirsMasked.diff).toBeUndefined();
      expect(await theirs({ name: "cron", masked: false })).toMatchObject({ changed: true });
      expect(await run("systemd", { name: "cron", masked: false }, conn, B)).toMatchObject({
        changed: false,
      });
    },
  );

  it("fails on a unit that does not exist and on bad arguments, with Ansible's messages", async () => {
    const ours = await run("systemd", { name: "no-such-unit", state: "started" }, conn, B);
    const other = await theirs({ name: "no-such-unit", state: "started" });
    expect(ours).toMatchObject({ failed: true, changed: false });
    expect(ours.msg).toBe(other.msg);
    const bad = await run("systemd", { name: "cron", state: "going" }, conn, B);
    expect(bad.msg).toBe("value of state must be one of: reloaded, restarted, started, stopped, got: going");
    expect((await run("systemd", { state: "started" }, conn, B)).msg).toBe(
      (await theirs({ state: "started" })).msg,
    );
  });
});
