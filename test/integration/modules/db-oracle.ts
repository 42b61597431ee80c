/**
 * The reference for the database modules' differential tests: Debian's `ansible` runs one module ad hoc against a
 * lab host (JSON arguments, the json callback), and the host's own clients read the resulting state.
 */
import { quote } from "../../../src/modules/util/shell.js";
import { run } from "../../../src/util/exec.js";
import { lab } from "../lab-helpers.js";
import { sh } from "./helpers.js";

export interface AnsibleResult {
  changed?: boolean;
  failed?: boolean;
  msg?: string;
  diff?: unknown;
  [k: string]: unknown;
}

/** `ansible HOST -b -m MODULE -a JSON` → the host's result. */
export async function ansibleModule(
  host: string,
  module: string,
  args: Record<string, unknown>,
  o: { check?: boolean; diff?: boolean } = {},
): Promise<AnsibleResult> {
  const argv = ["-i", lab().inventory, host, "-b", "-m", module, "-a", JSON.stringify(args)];
  if (o.check) argv.push("--check");
  if (o.diff) argv.push("--diff");
  const r = await run("ansible", argv, {
    env: { ...process.env, ANSIBLE_LOAD_CALLBACK_PLUGINS: "1", ANSIBLE_STDOUT_CALLBACK: "json" },
  });
  const out = JSON.parse(r.stdout) as { plays: { tasks: { hosts: Record<string, AnsibleResult> }[] }[] };
  const res = out.plays[0]?.tasks[0]?.hosts[host];
  if (!res) throw new Error(`ansible gave no result for ${host}: ${r.stderr}`);
  return res;
}

/** A SQL statement run as root on mysql-1 by the host's mysql client; rows of tab-separated text. */
export async function sql(query: string): Promise<string[]> {
  const out = await sh("mysql-1", `mysql -N -B -e ${quote(query)}`);
  return out.split("\n").filter((l) => l !== "");
}

/** SHOW GRANTS for a user, with its name replaced by USER so twins compare (and the password hash kept). */
export async function grantsOf(user: string, host = "localhost"): Promise<string[]> {
  const n = (await sql(`SELECT count(*) FROM mysql.user WHERE user='${user}' AND host='${host}'`))[0];
  if (n === "0") return [];
  return (await sql(`SHOW GRANTS FOR '${user}'@'${host}'`)).map((l) => l.split(user).join("USER"));
}

/** InfluxQL on influx-1 with the host's influx client, as one JSON document. */
export async function influxql(query: string): Promise<unknown> {
  return JSON.parse(await sh("influx-1", `influx -format json -execute ${quote(query)}`));
}
