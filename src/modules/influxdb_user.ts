/**
 * community.general.influxdb_user: creates, changes or drops an InfluxDB 1.x user — password (checked by logging
 * in as the user, as the collection does, so with authentication off it never counts as different), admin role,
 * and per-database grants (compared as the collection compares them: `ALL PRIVILEGES` reads as `ALL`).
 */
import type { InfluxDB } from "influx";
import { pyEq } from "../template/values.js";
import type { Module, ModuleContext, ModuleResult } from "./types.js";
import { ModuleFailure } from "./util/failure.js";
import {
  INFLUX_COMMON_ARGS,
  influxErrorOf,
  influxSession,
  type InfluxArgs,
  type InfluxSession,
} from "./db/influx-client.js";

interface InfluxUserArgs extends InfluxArgs {
  user_name: string;
  user_password?: string | null;
  admin: boolean;
  state: "present" | "absent";
  grants?: Record<string, unknown>[] | null;
}

const FIRST_USER_REQUIRED = "error authorizing query: create admin user first or disable authentication";

/** Runs an InfluxQL statement; a failure becomes the module's failure with the server's words. */
async function q(client: InfluxDB, query: string): Promise<Record<string, unknown>[]> {
  try {
    // As the python client: SHOW with GET, statements that change something with POST.
    const method = /^\s*SHOW\b/i.test(query) ? "GET" : "POST";
    const raw = (await client.queryRaw(query, { method, database: "" })) as {
      results?: { series?: { columns: string[]; values: unknown[][] }[]; error?: string }[];
    };
    const res = raw.results?.[0];
    if (res?.error) throw new ModuleFailure(res.error);
    const series = res?.series?.[0];
    return (series?.values ?? []).map((row) =>
      Object.fromEntries(series!.columns.map((c, i) => [c, row[i]])),
    );
  } catch (e) {
    if (e instanceof ModuleFailure) throw e;
    throw new ModuleFailure(influxErrorOf(e).content, {
      ...(influxErrorOf(e).code ? { status: influxErrorOf(e).code } : {}),
    });
  }
}

const ident = (s: string) => `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
const str = (s: string) => `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;

/** check_user_password: true unless logging in as the user answers 401. */
async function passwordMatches(session: InfluxSession, name: string, password: string): Promise<boolean> {
  try {
    await session.client({ username: name, password }).queryRaw("SHOW USERS", { database: "" });
    return true;
  } catch (e) {
    return influxErrorOf(e).code !== 401;
  }
}

/** set_user_grants: revoke what is not wanted, grant what is missing; true when anything differs. */
async function setGrants(
  client: InfluxDB,
  a: InfluxUserArgs,
  check: boolean,
  grants: Record<string, unknown>[],
): Promise<boolean> {
  let current: Record<string, unknown>[] = [];
  try {
    current = await q(client, `SHOW GRANTS FOR ${ident(a.user_name)}`);
  } catch (e) {
    if (!check || !(e as Error).message.includes("user not found")) throw e;
  }
  const parsed = current
    .filter((g) => g.privilege !== "NO PRIVILEGES")
    .map((g): Record<string, unknown> => ({
      ...g,
      privilege: g.privilege === "ALL PRIVILEGES" ? "ALL" : g.privilege,
    }));
  let changed = false;
  for (const g of parsed) {
    if (!grants.some((w) => pyEq(w, g))) {
      if (!check)
        await q(
          client,
          `REVOKE ${String(g.privilege)} ON ${ident(String(g.database))} FROM ${ident(a.user_name)}`,
        );
      changed = true;
    }
  }
  for (const w of grants) {
    if (!parsed.some((g) => pyEq(w, g))) {
      if (!check)
        await q(
          client,
          `GRANT ${String(w.privilege)} ON ${ident(String(w.database))} TO ${ident(a.user_name)}`,
        );
      changed = true;
    }
  }
  return changed;
}

async function apply(a: InfluxUserArgs, ctx: ModuleContext, session: InfluxSession): Promise<ModuleResult> {
  const client = session.client();
  let user: Record<string, unknown> | undefined;
  try {
    user = (await q(client, "SHOW USERS")).find((u) => u.user === a.user_name);
  } catch (e) {
    // A server with authentication on and no admin yet: the first user may be created.
    if (!(e instanceof ModuleFailure && e.fields.status === 403 && e.message.includes(FIRST_USER_REQUIRED)))
      throw e;
  }
  if (a.state === "absent") {
    if (!user) return { changed: false };
    if (!ctx.check) await q(client, `DROP USER ${ident(a.user_name)}`);
    return { changed: true };
  }
  let changed = false;
  if (user) {
    const pw = a.user_password;
    if (pw !== null && pw !== undefined && !(await passwordMatches(session, a.user_name, pw))) {
      if (!ctx.check) await q(client, `SET PASSWORD FOR ${ident(a.user_name)} = ${str(pw)}`);
      changed = true;
    }
    if (a.admin !== Boolean(user.admin)) {
      if (!ctx.check)
        await q(
          client,
          a.admin
            ? `GRANT ALL PRIVILEGES TO ${ident(a.user_name)}`
            : `REVOKE ALL PRIVILEGES FROM ${ident(a.user_name)}`,
        );
      changed = true;
    }
  } else {
    if (!ctx.check)
      await q(
        client,
        `CREATE USER ${ident(a.user_name)} WITH PASSWORD ${str(a.user_password ?? "")}${a.admin ? " WITH ALL PRIVILEGES" : ""}`,
      );
    changed = true;
  }
  if (a.grants !== null && a.grants !== undefined && (await setGrants(client, a, ctx.check, a.grants)))
    changed = true;
  return { changed };
}

export const influxdbUser: Module<InfluxUserArgs> = {
  name: "influxdb_user",
  aliases: ["community.general.influxdb_user", "community.general.database.influxdb.influxdb_user"],
  args: {
    ...INFLUX_COMMON_ARGS,
    state: { type: "str", default: "present", choices: ["present", "absent"] },
    user_name: { type: "str", required: true },
    user_password: { type: "str", noLog: true },
    admin: { type: "bool", default: false },
    grants: { type: "list", elements: "dict" },
  },
  checkMode: true,
  async run(a, ctx) {
    const session = await influxSession(ctx, a);
    try {
      return await apply(a, ctx, session);
    } finally {
      session.close();
    }
  },
};
