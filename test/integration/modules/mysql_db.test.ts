/**
 * mysql_db against the lab's MariaDB: create/drop (one name or a list), check mode, a dump with the host's
 * mysqldump and its import, a login password that never reaches a command line, Ansible's messages, and a
 * differential run against `ansible -m community.mysql.mysql_db` on twin names.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SshConnection } from "../../../src/transport/ssh.js";
import { ansibleModule, sql } from "./db-oracle.js";
import { connect, run, sh } from "./helpers.js";

const SOCK = { login_unix_socket: "/run/mysqld/mysqld.sock" };
const P = "infra_t_mdb_";
let conn: SshConnection;

const dbs = async () => (await sql(`SHOW DATABASES LIKE '${P}%'`)).sort();
const db = (args: Record<string, unknown>, o: { check?: boolean } = {}) =>
  run("mysql_db", { ...SOCK, ...args }, conn, { become: true, ...o });

async function clean(): Promise<void> {
  for (const d of await dbs()) await sql(`DROP DATABASE \`${d}\``);
  await sql(`DROP USER IF EXISTS '${P}u'@'localhost'`);
  await sh("mysql-1", "rm -f /tmp/infra-mysql_db-*");
}

beforeAll(async () => {
  conn = await connect("mysql-1");
  await clean();
});
afterAll(async () => {
  await clean();
  await conn.close();
});

describe("mysql_db", () => {
  it("check mode reports missing databases and creates none", async () => {
    const r = await db({ name: [`${P}a`, `${P}b`] }, { check: true });
    expect(r).toMatchObject({ changed: true, db: `${P}a ${P}b`, db_list: [`${P}a`, `${P}b`] });
    expect(await dbs()).toEqual([]);
  });

  it("creates a list of databases with an encoding, then is unchanged in two round trips", async () => {
    const r = await db({ name: `${P}a,${P}b`, encoding: "utf8mb4" });
    expect(r).toMatchObject({ changed: true });
    expect(r.executed_commands).toEqual([
      `CREATE DATABASE \`${P}a\` CHARACTER SET 'utf8mb4'`,
      `CREATE DATABASE \`${P}b\` CHARACTER SET 'utf8mb4'`,
    ]);
    expect(await dbs()).toEqual([`${P}a`, `${P}b`]);
    const before = conn.stats.roundTrips;
    expect(await db({ name: [`${P}a`, `${P}b`] })).toMatchObject({ changed: false });
    // The relay in the root helper (one operation), then the channel to its socket (mysql-relay.test.ts).
    expect(conn.stats.roundTrips - before).toBe(2);
  });

  it("dumps with the host's mysqldump (gzip by extension) and imports into another database", async () => {
    const target = "/tmp/infra-mysql_db-agama.sql.gz";
    const d = await db({ name: "agama", state: "dump", target });
    expect(d).toMatchObject({ changed: true });
    expect(await sh("mysql-1", `gzip -dc ${target} | grep -c 'CREATE TABLE'`)).not.toBe("0\n");
    const i = await db({ name: `${P}imp`, state: "import", target });
    expect(i).toMatchObject({ changed: true });
    const tables = await sql(`SHOW TABLES FROM \`${P}imp\``);
    expect(tables).toEqual(await sql("SHOW TABLES FROM agama"));
  });

  it("dumps as a user with a password that is on no command line", async () => {
    const pw = `pa"ss \\ #word`;
    await sql(`CREATE USER '${P}u'@'localhost' IDENTIFIED BY '${pw.replace(/\\/g, "\\\\")}'`);
    await sql(`GRANT SELECT, LOCK TABLES ON agama.* TO '${P}u'@'localhost'`);
    const target = "/tmp/infra-mysql_db-user.sql";
    const r = await run(
      "mysql_db",
      { name: "agama", state: "dump", target, login_user: `${P}u`, login_password: pw },
      conn,
      { become: true },
    );
    expect(r).toMatchObject({ changed: true });
    expect(JSON.stringify(r.executed_commands)).not.toContain("word");
    expect(await sh("mysql-1", `grep -c 'Dump completed' ${target}`)).toBe("1\n");
  });

  it("fails as Ansible does for a missing dump source, a missing import file and bad arguments", async () => {
    expect(await db({ name: `${P}none`, state: "dump", target: "/tmp/infra-mysql_db-x.sql" })).toMatchObject({
      failed: true,
      msg: `Cannot dump database(s) '${P}none' - not found`,
    });
    expect(
      await db({ name: `${P}a`, state: "import", target: "/tmp/infra-mysql_db-none.sql" }),
    ).toMatchObject({
      failed: true,
      msg: "target /tmp/infra-mysql_db-none.sql does not exist on the host",
    });
    expect(await db({ name: `${P}a`, state: "dump" })).toMatchObject({
      failed: true,
      msg: "with state=dump target is required",
    });
    expect(await db({ name: "all" })).toMatchObject({
      failed: true,
      msg: "name is not allowed to equal 'all' unless state equals import, or dump.",
    });
    expect(await db({ name: `${P}a`, state: "nope" })).toMatchObject({
      failed: true,
      msg: "value of state must be one of: absent, dump, import, present, got: nope",
    });
  });

  it("drops databases, then has nothing to drop", async () => {
    expect(await db({ name: [`${P}a`, `${P}b`, `${P}imp`], state: "absent" })).toMatchObject({
      changed: true,
    });
    expect(await db({ name: [`${P}a`, `${P}b`, `${P}imp`], state: "absent" })).toMatchObject({
      changed: false,
    });
    expect(await dbs()).toEqual([]);
  });
});

describe("differential against Ansible's mysql_db", () => {
  const steps: [Record<string, unknown>, boolean][] = [
    [{ names: ["x"] }, true],
    [{ names: ["x"] }, false],
    [{ names: ["x", "y"], encoding: "latin1" }, false],
    [{ names: ["x", "y"] }, false],
    [{ names: ["y"], state: "absent" }, true],
    [{ names: ["x", "y"], state: "absent" }, false],
  ];

  it("agrees on changed flags and the databases left", async () => {
    const mine: unknown[] = [];
    const theirs: unknown[] = [];
    for (const [step, check] of steps) {
      const { names, ...rest } = step as { names: string[] };
      const a = await ansibleModule(
        "mysql-1",
        "community.mysql.mysql_db",
        { ...SOCK, ...rest, name: names.map((n) => `${P}a${n}`) },
        { check },
      );
      const b = await db({ ...rest, name: names.map((n) => `${P}i${n}`) }, { check });
      const left = await dbs();
      theirs.push({
        changed: a.changed,
        failed: a.failed ?? false,
        dbs: left.filter((d) => d.startsWith(`${P}a`)).map((d) => d.slice(P.length + 1)),
      });
      mine.push({
        changed: b.changed,
        failed: b.failed ?? false,
        dbs: left.filter((d) => d.startsWith(`${P}i`)).map((d) => d.slice(P.length + 1)),
      });
    }
    expect(mine).toEqual(theirs);
    const charset = async (d: string) =>
      sql(`SELECT DEFAULT_CHARACTER_SET_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME='${d}'`);
    expect(await charset(`${P}ax`)).toEqual(await charset(`${P}ix`));
  }, 600_000);
});
