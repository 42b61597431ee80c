/**
 * A doc drill replaces a live database with its backup, on the student's own host. Before the first round the
 * drill keeps a copy of the live data in a scratch directory, and afterwards it puts that copy back (and starts
 * the writers it found running), so the host ends as it was whatever the document did: data written since the
 * last backup is not lost to grading.
 */
import { shellQuote } from "../transport/index.js";

export interface SafetyNet {
  /** Saves the live data into `dir`; prints `saved` when there was something to save. */
  save: string;
  /** Puts the saved data back (only after `save` printed `saved`). */
  putBack: string;
  /** Starts again what the save found running and the document may have stopped. */
  restart: string;
}

/** Telegraf writes into InfluxDB; the lab's document stops it, the drill starts it again if it was running. */
const WRITERS: Record<string, string[]> = { influxdb: ["telegraf"], mysql: [] };

export function safetyNet(service: string, database: string, dir: string): SafetyNet {
  const d = shellQuote(dir);
  const db = shellQuote(database);
  const writers = WRITERS[service] ?? [];
  const noteWriters = writers
    .map((w) => `if service ${w} status >/dev/null 2>&1; then touch ${d}/running-${w}; fi`)
    .join("\n");
  const restart = writers
    .map(
      (w) =>
        `if [ -e ${d}/running-${w} ] && ! service ${w} status >/dev/null 2>&1; then service ${w} start; fi`,
    )
    .join("\n");
  if (service === "mysql") {
    const exists = `mysql -N -B -e ${shellQuote(`SHOW DATABASES LIKE '${database}'`)} | grep -qx ${db}`;
    return {
      save: `${noteWriters}\nif ${exists}; then mysqldump --single-transaction --routines --events ${db} > ${d}/safety.sql && echo saved; fi`,
      putBack: `mysql -e ${shellQuote(`DROP DATABASE IF EXISTS \`${database}\`; CREATE DATABASE \`${database}\``)} && mysql ${db} < ${d}/safety.sql`,
      restart,
    };
  }
  const exists = `influx -format csv -execute 'SHOW DATABASES' | grep -qx ${shellQuote(`databases,${database}`)}`;
  return {
    save: `${noteWriters}\nif ${exists}; then influxd backup -portable -db ${db} ${d}/safety >/dev/null 2>&1 && echo saved; fi`,
    putBack: `influx -execute ${shellQuote(`DROP DATABASE "${database}"`)} && influxd restore -portable -db ${db} ${d}/safety`,
    restart,
  };
}
