/**
 * mysql_user against the lab's MariaDB (mysql-1): the course's backup user (grant shown exactly as the course
 * expects, mysqldump works with it from a unix user's ~/.my.cnf), idempotence in two round trips, check and diff
 * mode, Ansible's messages, and a differential run against `ansible -m community.mysql.mysql_user` on twin names.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nativePasswordHash } from "../../../src/modules/db/mysql-user-ops.js";
import type { SshConnection } from "../../../src/transport/ssh.js";
import { ansibleModule, grantsOf, sql } from "./db-oracle.js";
import { connect, run, sh } from "./helpers.js";

const SOCK = { login_unix_socket: "/run/mysqld/mysqld.sock" };
const P = "infra_t_mu_";
let conn: SshConnection;

async function dropUsers(): Promise<void> {
  const rows = await sql(`SELECT user, host FROM mysql.user WHERE user LIKE '${P}%'`);
  for (const r of rows) {
    const [u, h] = r.split("\t");
    await sql(`DROP USER '${u}'@'${h}'`);
  }
}

const user = (args: Record<string, unknown>, o: { check?: boolean; diff?: boolean } = {}) =>
  run("mysql_user", { ...SOCK, ...args }, conn, { become: true, ...o });

beforeAll(async () => {
  conn = await connect("mysql-1");
  await dropUsers();
});
afterAll(async () => {
  await dropUsers();
  await sh("mysql-1", `userdel -r ${P}bk 2>/dev/null || true`);
  await conn.close();
});

describe("the course's backup user", () => {
  const name = `${P}backup`;
  const args = { name, password: "Backup-pw 1", priv: "agama.*:LOCK TABLES,SELECT" };

  it("is created with exactly the grant the course checks", async () => {
    const r = await user(args);
    expect(r).toMatchObject({ changed: true, user: name, msg: "User added" });
    expect(r.failed).toBeUndefined();
    const grants = await sql(`SHOW GRANTS FOR '${name}'@'localhost'`);
    expect(grants).toContain(`GRANT SELECT, LOCK TABLES ON \`agama\`.* TO \`${name}\`@\`localhost\``);
  });

  it("is unchanged on the second run, in two round trips", async () => {
    const before = conn.stats.roundTrips;
    const r = await user(args);
    expect(r).toMatchObject({ changed: false, msg: "User unchanged" });
    // The relay in the root helper (one operation), then the channel to its socket (mysql-relay.test.ts).
    expect(conn.stats.roundTrips - before).toBe(2);
  });

  it("is unchanged when the privileges are written in another order", async () => {
    expect((await user({ ...args, priv: "agama.*:SELECT,LOCK TABLES" })).changed).toBe(false);
    expect((await user({ ...args, priv: { "agama.*": "LOCK TABLES,SELECT" } })).changed).toBe(false);
  });

  it("lets mysqldump run from a unix user's ~/.my.cnf", async () => {
    const u = `${P}bk`;
    await sh("mysql-1", `id ${u} >/dev/null 2>&1 || useradd -m ${u}`);
    await sh(
      "mysql-1",
      `printf '[client]\\nuser=${name}\\npassword="Backup-pw 1"\\n' > ~${u}/.my.cnf && chown ${u} ~${u}/.my.cnf && chmod 600 ~${u}/.my.cnf`,
    );
    const dump = await sh("mysql-1", `cd / && sudo -u ${u} mysqldump agama`);
    expect(dump).toContain("CREATE TABLE `item`");
    expect(dump).toContain("-- Dump completed");
  });
});

describe("changes, check and diff mode", () => {
  const name = `${P}chg`;

  it("check mode reports the new user and creates nothing", async () => {
    const r = await user({ name, password: "x", priv: "agama.*:SELECT" }, { check: true, diff: true });
    expect(r).toMatchObject({ changed: true, msg: "User added" });
    expect(r.diff).toEqual({ before: "", after: "*.*: USAGE\n`agama`.*: SELECT\n" });
    expect(await grantsOf(name)).toEqual([]);
  });

  it("diff mode shows the privileges before and after", async () => {
    await user({ name, password: "x", priv: "agama.*:SELECT" });
    const r = await user({ name, priv: "agama.*:SELECT,INSERT/*.*:PROCESS" }, { diff: true });
    expect(r.changed).toBe(true);
    expect(r.diff).toEqual({
      before: "*.*: USAGE\n`agama`.*: SELECT\n",
      after: "*.*: PROCESS\n`agama`.*: SELECT, INSERT\n",
    });
  });

  it("check mode predicts a privilege change without making it", async () => {
    const before = await grantsOf(name);
    const r = await user({ name, priv: "agama.*:ALL" }, { check: true, diff: true });
    expect(r.changed).toBe(true);
    expect(r.diff).toEqual({
      before: "*.*: PROCESS\n`agama`.*: SELECT, INSERT\n",
      after: "*.*: USAGE\n`agama`.*: ALL\n",
    });
    expect(await grantsOf(name)).toEqual(before);
  });

  it("changes the password only when its hash differs, and not with update_password=on_create", async () => {
    expect(await user({ name, password: "x" })).toMatchObject({ changed: false, password_changed: false });
    expect(await user({ name, password: "y", update_password: "on_create" })).toMatchObject({
      changed: false,
    });
    expect(await user({ name, password: "y" })).toMatchObject({
      changed: true,
      password_changed: true,
      msg: "Password updated (new style)",
    });
    const [hash] = await sql(`SELECT authentication_string FROM mysql.user WHERE user='${name}'`);
    expect(hash).toBe(nativePasswordHash("y"));
    expect(await user({ name, password: "y" })).toMatchObject({ changed: false });
  });

  it("removes the user, then has nothing to remove", async () => {
    expect(await user({ name, state: "absent" })).toMatchObject({ changed: true, msg: "User deleted" });
    expect(await user({ name, state: "absent" })).toMatchObject({
      changed: false,
      msg: "User doesn't exist",
    });
  });
});

describe("errors in Ansible's words", () => {
  it("rejects a bad state and exclusive options", async () => {
    expect(await user({ name: `${P}x`, state: "gone" })).toMatchObject({
      failed: true,
      msg: "value of state must be one of: absent, present, got: gone",
    });
    expect(await user({ name: `${P}x`, append_privs: true, subtract_privs: true })).toMatchObject({
      failed: true,
      msg: "parameters are mutually exclusive: append_privs|subtract_privs",
    });
  });

  it("fails to log in over TCP as root with the same message as Ansible", async () => {
    const args = { name: `${P}tcp`, state: "absent" };
    const mine = await run("mysql_user", args, conn, { become: true });
    const theirs = await ansibleModule("mysql-1", "community.mysql.mysql_user", args);
    expect(mine.failed).toBe(true);
    expect(mine.msg).toBe(theirs.msg);
  });
});

describe("differential: the same steps with Ansible and with infra", () => {
  // Each step runs on a twin user: <P>a_… by Ansible, <P>i_… by infra; grants and changed flags must agree.
  const steps: Record<string, unknown>[] = [
    { password: "one", priv: "agama.*:LOCK TABLES,SELECT" },
    { password: "one", priv: "agama.*:LOCK TABLES,SELECT" },
    { password: "one", priv: "agama.*:SELECT,LOCK TABLES" },
    { password: "two", priv: { "agama.*": "ALL", "*.*": "PROCESS" } },
    { priv: "agama.*:ALL PRIVILEGES/*.*:PROCESS" },
    { priv: "agama.*:SELECT,GRANT" },
    { priv: "agama.*:SELECT,GRANT" },
    { priv: "agama.item:SELECT,UPDATE", append_privs: true },
    { priv: "agama.item:UPDATE", subtract_privs: true },
    { priv: "agama.*:SELECT" },
    { password: "two", update_password: "on_create" },
    { host: "10.0.%", password: "three", priv: "agama.*:SELECT" },
    { host_all: true, priv: "agama.*:SELECT,INSERT" },
    { host_all: true, priv: "agama.*:SELECT,INSERT" },
    { state: "absent", host_all: true },
    { state: "absent" },
  ];

  it("agrees on every step, including the second runs", async () => {
    const mine: unknown[] = [];
    const theirs: unknown[] = [];
    for (const [i, step] of steps.entries()) {
      const a = await ansibleModule("mysql-1", "community.mysql.mysql_user", {
        ...SOCK,
        name: `${P}a_d`,
        ...step,
      });
      const b = await user({ name: `${P}i_d`, ...step });
      const host = (step.host as string | undefined) ?? "localhost";
      theirs.push({
        i,
        changed: a.changed,
        failed: a.failed ?? false,
        grants: await grantsOf(`${P}a_d`, host),
      });
      mine.push({
        i,
        changed: b.changed,
        failed: b.failed ?? false,
        grants: await grantsOf(`${P}i_d`, host),
      });
    }
    expect(mine).toEqual(theirs);
    // The steps must exercise both outcomes, or the comparison proves little.
    expect(theirs.filter((t) => (t as { changed: boolean }).changed).length).toBeGreaterThan(5);
    expect(theirs.filter((t) => !(t as { changed: boolean }).changed).length).toBeGreaterThan(3);
  }, 900_000);
});
