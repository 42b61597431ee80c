/**
 * apt on a lab host with small packages (sl, figlet, cowsay), removed again afterwards. Package state is host-wide,
 * so the differential test alternates: one tool installs or removes, the other must then find nothing to do; and
 * both must agree on what dpkg says and on `changed`.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SshConnection } from "../../../src/transport/ssh.js";
import { ansible } from "./ansible-oracle.js";
import { connect, run, sh } from "./helpers.js";

const HOST = "influx-1";
let conn: SshConnection;
const B = { become: true };
const PKGS = "sl figlet cowsay";
const installed = async (p: string) =>
  (await sh(HOST, `dpkg-query -W -f='\${db:Status-Abbrev}' ${p} 2>/dev/null || echo none`)).trim();

beforeAll(async () => {
  conn = await connect(HOST);
  await sh(HOST, `DEBIAN_FRONTEND=noninteractive apt-get -y -q purge ${PKGS} >/dev/null 2>&1; true`);
});
afterAll(async () => {
  await sh(HOST, `DEBIAN_FRONTEND=noninteractive apt-get -y -q purge ${PKGS} >/dev/null 2>&1; true`);
  await conn.close();
});

describe("apt", () => {
  it("installs with a cache update, then does nothing in one round trip", { timeout: 600_000 }, async () => {
    // The image ships without package lists: the first run must update the cache.
    const r = await run("apt", { name: "sl", update_cache: true }, conn, B);
    expect(r).toMatchObject({ changed: true, cache_updated: true });
    expect(typeof r.cache_update_time).toBe("number");
    expect(r.stdout).toContain("Setting up sl");
    expect(await installed("sl")).toBe("ii");

    const before = conn.stats.roundTrips;
    const again = await run("apt", { name: "sl", update_cache: true, cache_valid_time: 3600 }, conn, B);
    // Like Ansible, the time is the mtime of update-success-stamp or else of /var/lib/apt/lists, which
    // dpkg's install may touch after the update: it may move forward, never back, and it is not re-fetched.
    expect(again).toMatchObject({ changed: false, cache_updated: false });
    expect(Object.keys(again).sort()).toEqual(["cache_update_time", "cache_updated", "changed"]);
    expect(again.cache_update_time as number).toBeGreaterThanOrEqual(r.cache_update_time as number);
    expect(again.cache_update_time as number).toBeLessThanOrEqual(Date.now() / 1000 + 5);
    expect(conn.stats.roundTrips - before).toBe(1);
  });

  it("check mode simulates; alternating with ansible agrees on changed", { timeout: 600_000 }, async () => {
    const sim = await run("apt", { name: ["figlet"] }, conn, { ...B, check: true, diff: true });
    expect(sim).toMatchObject({ changed: true });
    expect((sim.diff as { prepared: string }).prepared).toContain("figlet");
    expect(await installed("figlet")).toBe("none");

    const theirs = await ansible(HOST, "apt", { name: "figlet" }, { become: true });
    expect(theirs).toMatchObject({ changed: true });
    expect(await run("apt", { name: "figlet,sl", state: "present" }, conn, B)).toMatchObject({
      changed: false,
    });

    const ours = await run("apt", { name: "figlet", state: "absent", purge: true }, conn, B);
    expect(ours).toMatchObject({ changed: true });
    expect(await installed("figlet")).toBe("none");
    expect(
      await ansible(HOST, "apt", { name: "figlet", state: "absent", purge: true }, { become: true }),
    ).toMatchObject({
      changed: false,
    });
    expect(await ansible(HOST, "apt", { name: "sl", state: "latest" }, { become: true })).toMatchObject({
      changed: false,
    });
    expect(await run("apt", { name: "sl", state: "latest" }, conn, B)).toMatchObject({ changed: false });
  });

  it("version specs and errors are Ansible's", { timeout: 600_000 }, async () => {
    const v = (await sh(HOST, "dpkg-query -W -f='${Version}' sl")).trim();
    expect(await run("apt", { name: `sl=${v}` }, conn, B)).toMatchObject({ changed: false });
    expect(await run("apt", { name: "sl>=1.0" }, conn, B)).toMatchObject({ changed: false });
    const missing = await run("apt", { name: "infra-t-no-such-package" }, conn, B);
    const theirs = await ansible(HOST, "apt", { name: "infra-t-no-such-package" }, { become: true });
    expect(missing).toMatchObject({ failed: true, msg: theirs.msg });
    // With every name installed the version table is not read; one missing name brings it back.
    const mixed = await run("apt", { name: ["sl", "infra-t-no-such-package"] }, conn, B);
    expect(mixed).toMatchObject({ failed: true, msg: theirs.msg });
    const sim = await run("apt", { name: ["sl", "figlet"] }, conn, { ...B, check: true });
    expect(sim).toMatchObject({ changed: true });
    const bad = await run("apt", { name: "sl", state: "installed" }, conn, B);
    const theirsBad = await ansible(HOST, "apt", { name: "sl", state: "installed" }, { become: true });
    expect(bad.msg).toBe(theirsBad.msg);
    expect(await run("apt", { name: "sl", state: "absent" }, conn, B)).toMatchObject({ changed: true });
  });
});
