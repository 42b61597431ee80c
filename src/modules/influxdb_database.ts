/**
 * community.general.influxdb_database: creates or drops an InfluxDB 1.x database. One SHOW DATABASES decides;
 * the HTTP requests run over an SSH tunnel to hostname:port as the host sees it (db/influx-client.ts).
 */
import type { Module } from "./types.js";
import { ModuleFailure } from "./util/failure.js";
import { INFLUX_COMMON_ARGS, influxErrorOf, influxSession, type InfluxArgs } from "./db/influx-client.js";

interface InfluxDatabaseArgs extends InfluxArgs {
  database_name: string;
  state: "present" | "absent";
}

export const influxdbDatabase: Module<InfluxDatabaseArgs> = {
  name: "influxdb_database",
  aliases: ["community.general.influxdb_database", "community.general.database.influxdb.influxdb_database"],
  args: {
    ...INFLUX_COMMON_ARGS,
    database_name: { type: "str", required: true },
    state: { type: "str", default: "present", choices: ["present", "absent"] },
  },
  checkMode: true,
  async run(a, ctx) {
    const session = await influxSession(ctx, a);
    try {
      const client = session.client();
      const names = await client.getDatabaseNames().catch((e: unknown) => {
        throw new ModuleFailure(influxErrorOf(e).content);
      });
      const exists = names.includes(a.database_name);
      if ((a.state === "present") === exists) return { changed: false };
      if (!ctx.check) {
        try {
          if (a.state === "present") await client.createDatabase(a.database_name);
          else await client.dropDatabase(a.database_name);
        } catch (e) {
          throw new ModuleFailure(influxErrorOf(e).content);
        }
      }
      return { changed: true };
    } finally {
      session.close();
    }
  },
};
