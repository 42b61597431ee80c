/**
 * influxdb_database and influxdb_user against the lab's InfluxDB 1.6 (influx-1, authentication off): changes,
 * second runs in one round trip, check mode, bad arguments, and a differential run against Ansible's
 * community.general modules on twin names (databases, users, admin flags and grants compared).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SshConnection } from "../../../src/transport/ssh.js";
import { ansibleModule, influxql } from "./db-oracle.js";
import { connect, run } from "./helpers.js";

const P = "infra_t_idb_";
let conn: SshConnection;

interface Series {
  results: { series?: { columns: string[]; values: unknown[][] }[] }[];
}
const rows = async (q: string) => {
  const r = (await influxql(q)) as Series;
  const s = r.results[0]?.series?.[0];
  return (s?.values ?? []).map((v) => Object.fromEntries(s!.columns.map((c, i) => [c, v[i]])));
};
const databases = async () =>
  (await rows("SHOW DATABASES"))
    .map((r) => String(r.name))
    .filter((n) => n.startsWith(P))
    .sort();
const users = async () => (await rows("SHOW USERS")).filter((r) => String(r.user).startsWith(P));

async function clean(): Promise<void> {
  for (const d of await databases()) await influxql(`DROP DATABASE "${d}"`);
  for (const u of await users()) await influxql(`DROP USER "${String(u.user)}"`);
}

beforeAll(async () => {
  conn = await connect("influx-1");
  await clean();
});
afterAll(async () => {
  await clean();
  await conn.close();
});

describe("influxdb_database", () => {
  it("creates (check mode first), is unchanged in one round trip, drops", async () => {
    const name = `${P}db`;
    expect(await run("influxdb_database", { database_name: name }, conn, { check: true })).toEqual({
      changed: true,
    });
    expect(await databases()).toEqual([]);
    expect(await run("influxdb_database", { database_name: name }, conn)).toEqual({ changed: true });
    expect(await databases()).toEqual([name]);
    const before = conn.stats.roundTrips;
    expect(await run("influxdb_database", { database_name: name }, conn)).toEqual({ changed: false });
    expect(conn.stats.roundTrips - before).toBe(1);
    expect(await run("influxdb_database", { database_name: name, state: "absent" }, conn)).toEqual({
      changed: true,
    });
    expect(await run("influxdb_database", { database_name: name, state: "absent" }, conn)).toEqual({
      changed: false,
    });
  });

  it("rejects bad arguments with Ansible's message", async () => {
    expect(await run("influxdb_database", { database_name: "x", state: "gone" }, conn)).toMatchObject({
      failed: true,
      msg: "value of state must be one of: present, absent, got: gone",
    });
    expect(await run("influxdb_database", {}, conn)).toMatchObject({
      failed: true,
      msg: "missing required arguments: database_name",
    });
  });
});

describe("influxdb_user", () => {
  it("creates with grants, is unchanged in one round trip, changes admin and grants, drops", async () => {
    const name = `${P}u`;
    await run("influxdb_database", { database_name: `${P}g` }, conn);
    const grants = [{ database: `${P}g`, privilege: "READ" }];
    expect(
      await run("influxdb_user", { user_name: name, user_password: "pw", grants }, conn, { check: true }),
    ).toEqual({
      changed: true,
    });
    expect(await users()).toEqual([]);
    expect(await run("influxdb_user", { user_name: name, user_password: "pw", grants }, conn)).toEqual({
      changed: true,
    });
    const before = conn.stats.roundTrips;
    expect(await run("influxdb_user", { user_name: name, user_password: "pw", grants }, conn)).toEqual({
      changed: false,
    });
    expect(conn.stats.roundTrips - before).toBe(1);
    const all = [{ database: `${P}g`, privilege: "ALL" }];
    expect(await run("influxdb_user", { user_name: name, admin: true, grants: all }, conn)).toEqual({
      changed: true,
    });
    expect(await users()).toEqual([{ user: name, admin: true }]);
    expect(await rows(`SHOW GRANTS FOR "${name}"`)).toEqual([
      { database: `${P}g`, privilege: "ALL PRIVILEGES" },
    ]);
    expect(await run("influxdb_user", { user_name: name, admin: true, grants: all }, conn)).toEqual({
      changed: false,
    });
    expect(await run("influxdb_user", { user_name: name, state: "absent" }, conn)).toEqual({ changed: true });
    expect(await users()).toEqual([]);
  });
});

describe("differential against Ansible's influxdb modules", () => {
  const steps: [string, Record<string, unknown>][] = [
    ["influxdb_database", { database_name: "D" }],
    ["influxdb_database", { database_name: "D" }],
    ["influxdb_user", { user_name: "U", user_password: "pw" }],
    [
      "influxdb_user",
      { user_name: "U", user_password: "pw", grants: [{ database: "D", privilege: "WRITE" }] },
    ],
    ["influxdb_user", { user_name: "U", grants: [{ database: "D", privilege: "WRITE" }] }],
    ["influxdb_user", { user_name: "U", admin: true, grants: [] }],
    ["influxdb_user", { user_name: "U", admin: false }],
    ["influxdb_user", { user_name: "U", state: "absent" }],
    ["influxdb_database", { database_name: "D", state: "absent" }],
  ];
  const twin = (v: unknown, tag: string): unknown =>
    typeof v === "string"
      ? v.replace(/^[DU]$/, (m) => `${P}${tag}${m}`)
      : Array.isArray(v)
        ? v.map((x) => twin(x, tag))
        : v && typeof v === "object"
          ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, twin(x, tag)]))
          : v;

  it("agrees on changed flags, databases, users and grants", async () => {
    const mine: unknown[] = [];
    const theirs: unknown[] = [];
    const state = async (tag: string) => {
      const u = (await users()).filter((x) => x.user === `${P}${tag}U`);
      const grants = u.length ? await rows(`SHOW GRANTS FOR "${P}${tag}U"`) : [];
      return {
        dbs: (await databases()).filter((d) => d === `${P}${tag}D`).length,
        users: u.map((x) => x.admin),
        grants: grants.map((g) => g.privilege),
      };
    };
    for (const [module, args] of steps) {
      const a = await ansibleModule(
        "influx-1",
        `community.general.${module}`,
        twin(args, "a") as Record<string, unknown>,
      );
      const b = await run(module, twin(args, "i") as Record<string, unknown>, conn);
      theirs.push({ module, changed: a.changed, failed: a.failed ?? false, ...(await state("a")) });
      mine.push({ module, changed: b.changed, failed: b.failed ?? false, ...(await state("i")) });
    }
    expect(mine).toEqual(theirs);
  }, 600_000);
});
