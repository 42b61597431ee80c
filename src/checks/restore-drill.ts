/**
 * `restore_drill`: the lab's restore, rehearsed on scratch names only. Restores the latest duplicity backup into a
 * fresh directory under /tmp, loads it into a scratch database (`agama_drill`, `telegraf_drill`), compares
 * per-table row counts and checksums (points per measurement for InfluxDB) with the live data, and always drops
 * the scratch database and directory afterwards, also when a step failed.
 */
import { fail, fixFor, pass } from "./lib/results.js";
import { probeLines } from "./lib/probe-output.js";
import { asUser, shellQuote } from "./lib/shell.js";
import { pointCounts } from "./influx.js";
import { DRILL_PROPERTIES } from "./lib/drill-schema.js";
import type { ActiveCheck, BecomeFor, PropertyResult } from "./types.js";
import type { Connection } from "../transport/index.js";

export interface DrillSpec {
  service: "mysql" | "influxdb";
  target: string;
  database: string;
  scratch_database: string;
  run_as?: string;
  timeout?: number;
  fix?: string | Record<string, string>;
}

type Exec = (script: string, timeoutS?: number) => Promise<{ rc: number; out: string }>;

function mysqlCompareScript(db: string): string {
  // Row counts and CHECKSUM TABLE of every base table, in the live and the scratch database.
  const tables = `SELECT table_name FROM information_schema.tables WHERE table_schema = '${db}' AND table_type = 'BASE TABLE'`;
  return `for t in $(mysql -N -B -e ${shellQuote(tables)}); do
  for d in ${db} ${db}_SCRATCH; do
    c=$(mysql -N -B -e "SELECT COUNT(*) FROM \\\`$d\\\`.\\\`$t\\\`" 2>&1 | tr '\\n' ' ')
    s=$(mysql -N -B -e "CHECKSUM TABLE \\\`$d\\\`.\\\`$t\\\`" 2>&1 | awk '{print $2}')
    echo "row|$t|$d|$c|$s"
  done
done`;
}

/**
 * What the mysql client said went wrong: its "ERROR nnnn … at line N" line. Before it, MariaDB's client may print
 * the failing statement between lines of dashes, which says nothing on its own.
 */
export function mysqlError(out: string): string {
  const lines = out.split("\n").map((l) => l.trim());
  return lines.find((l) => /^ERROR \d+/.test(l)) ?? lines.find((l) => l && !/^-+$/.test(l)) ?? "no output";
}

async function mysqlDrill(spec: DrillSpec, dir: string, exec: Exec): Promise<PropertyResult[]> {
  const fix = (p: string, d: string) => fixFor(spec.fix, p, d);
  const scratch = spec.scratch_database;
  const load = await exec(
    `f=$(find ${dir}/out -name '*.sql' | head -n 1); [ -n "$f" ] || { echo "no .sql file in the backup"; exit 3; }
mysql -e ${shellQuote(`DROP DATABASE IF EXISTS \`${scratch}\`; CREATE DATABASE \`${scratch}\``)}
mysql ${shellQuote(scratch)} < "$f" 2>&1`,
    600,
  );
  if (load.rc !== 0) {
    const said = mysqlError(load.out);
    return [
      fail(
        "load",
        `the dump loads into ${scratch}`,
        said,
        `the restored dump does not load into MySQL (${said})`,
        fix(
          "load",
          "dump with `mysqldump agama > /home/backup/mysql/agama.sql` and check the file is a complete dump",
        ),
      ),
    ];
  }
  const cmp = await exec(
    mysqlCompareScript(spec.database).replace(new RegExp(`${spec.database}_SCRATCH`, "g"), scratch),
  );
  const rows = probeLines(cmp.out)
    .filter((l) => l.key === "row")
    .map((l) => l.fields);
  const byTable = new Map<string, Record<string, { count: string; sum: string }>>();
  for (const [t, d, c, s] of rows) {
    const entry = byTable.get(t!) ?? {};
    entry[d === scratch ? "restored" : "live"] = { count: c!.trim(), sum: s ?? "" };
    byTable.set(t!, entry);
  }
  const out: PropertyResult[] = [pass("load", `the dump loads into ${scratch}`, "loaded")];
  const diffs = [...byTable.entries()].filter(
    ([, e]) => e.live?.count !== e.restored?.count || e.live?.sum !== e.restored?.sum,
  );
  const summary = [...byTable.entries()]
    .map(([t, e]) => `${t}: ${e.live?.count ?? "-"}/${e.restored?.count ?? "-"}`)
    .join(", ");
  if (!byTable.size)
    out.push(
      fail(
        "data",
        `the tables of ${spec.database}`,
        "no tables",
        `${spec.database} has no tables to compare`,
        fix("data", "is this the right database?"),
      ),
    );
  else if (diffs.length) {
    const [t, e] = diffs[0]!;
    out.push(
      fail(
        "data",
        "restored = live (rows, checksums)",
        summary,
        `table ${t} differs after restore: live ${e.live?.count ?? "missing"} rows (checksum ${e.live?.sum ?? "-"}), restored ${e.restored?.count ?? "missing"} (checksum ${e.restored?.sum ?? "-"})`,
        fix(
          "data",
          "check that the dump runs before the upload and that the newest backup holds the current dump",
        ),
      ),
    );
  } else out.push(pass("data", "restored = live (rows, checksums)", summary));
  return out;
}

async function influxDrill(spec: DrillSpec, dir: string, exec: Exec): Promise<PropertyResult[]> {
  const fix = (p: string, d: string) => fixFor(spec.fix, p, d);
  const scratch = spec.scratch_database;
  const load = await exec(
    `m=$(find ${dir}/out -name '*.manifest' | head -n 1)
[ -n "$m" ] || { echo "no .manifest: the backup is in the legacy format, which influxd restore -portable cannot read"; exit 3; }
echo "stamp|$(basename "$m" .manifest)"
influx -execute ${shellQuote(`DROP DATABASE "${scratch}"`)} >/dev/null 2>&1
influxd restore -portable -db ${shellQuote(spec.database)} -newdb ${shellQuote(scratch)} "$(dirname "$m")" 2>&1`,
    600,
  );
  if (load.rc !== 0)
    return [
      fail(
        "load",
        `the backup restores into ${scratch}`,
        load.out.trim().split("\n").pop() ?? "",
        `the restored InfluxDB backup does not load (${load.out.trim().split("\n").pop()})`,
        fix("load", "back up with `influxd backup -portable -database telegraf /home/backup/influxdb`"),
      ),
    ];
  const stamp = /stamp\|(\d{8}T\d{6}Z)/.exec(load.out)?.[1];
  // Live data keeps growing after the backup: compare only points written up to the backup's time.
  const until = stamp
    ? `${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 8)}T${stamp.slice(9, 11)}:${stamp.slice(11, 13)}:${stamp.slice(13, 15)}Z`
    : undefined;
  const where = until ? ` WHERE time <= '${until}'` : "";
  const cmp = await exec(
    `influx -format csv -database ${shellQuote(spec.database)} -execute ${shellQuote(`SELECT COUNT(*) FROM /.*/${where}`)} | sed 's/^/live|/'
influx -format csv -database ${shellQuote(scratch)} -execute ${shellQuote(`SELECT COUNT(*) FROM /.*/${where}`)} | sed 's/^/restored|/'`,
  );
  const lines = probeLines(cmp.out);
  const live = pointCounts(lines.filter((l) => l.key === "live").map((l) => l.fields.join("|")));
  const restored = pointCounts(lines.filter((l) => l.key === "restored").map((l) => l.fields.join("|")));
  const summary = [...live.entries()].map(([m, n]) => `${m}: ${n}/${restored.get(m) ?? 0}`).join(", ");
  const out: PropertyResult[] = [pass("load", `the backup restores into ${scratch}`, "restored")];
  const diff = [...live.entries()].find(([m, n]) => restored.get(m) !== n);
  if (!live.size)
    out.push(
      fail(
        "data",
        `points in ${spec.database}`,
        "none",
        `${spec.database} holds no points to compare`,
        fix("data", "is Telegraf writing?"),
      ),
    );
  else if (diff)
    out.push(
      fail(
        "data",
        "restored = live (points)",
        summary,
        `measurement ${diff[0]} has ${diff[1]} points live but ${restored.get(diff[0]) ?? 0} restored`,
        fix("data", "check that the InfluxDB backup runs before the upload and backs up the whole database"),
      ),
    );
  else out.push(pass("data", "restored = live (points)", summary));
  return out;
}

export const restoreDrillCheck: ActiveCheck<DrillSpec> = {
  kind: "active",
  name: "restore_drill",
  schema: {
    type: "object",
    required: ["service", "target", "database", "scratch_database"],
    additionalProperties: false,
    properties: {
      ...DRILL_PROPERTIES,
      run_as: { type: "string" },
      timeout: { type: "number", exclusiveMinimum: 0 },
      fix: { type: ["string", "object"], additionalProperties: { type: "string" } },
    },
  },
  describe: (s) => `restore ${s.service} from ${s.target} into ${s.scratch_database}`,

  async run(spec, conn: Connection, ctx: { become: BecomeFor }) {
    const fix = (p: string, d: string) => fixFor(spec.fix, p, d);
    const exec: Exec = async (script, timeoutS = spec.timeout ?? 600) => {
      const r = await conn.exec(script, { become: ctx.become, timeoutMs: timeoutS * 1000 });
      return { rc: r.rc, out: r.stdout + r.stderr };
    };
    const user = spec.run_as ?? "backup";
    const made = await exec(
      `d=$(mktemp -d /tmp/infra-check-drill.XXXXXX) && chown ${shellQuote(user)} "$d" && echo "$d"`,
    );
    const dir = made.out.trim().split("\n").pop()!;
    if (made.rc !== 0 || !dir.startsWith("/tmp/infra-check-drill."))
      throw new Error(`could not make a scratch directory: ${made.out}`);
    const dropScratch =
      spec.service === "mysql"
        ? `mysql -e ${shellQuote(`DROP DATABASE IF EXISTS \`${spec.scratch_database}\``)}`
        : `influx -execute ${shellQuote(`DROP DATABASE "${spec.scratch_database}"`)}`;
    try {
      const restore = await exec(
        asUser(
          user,
          `duplicity restore --no-encryption --archive-dir ${dir}/cache ${shellQuote(spec.target)} ${dir}/out 2>&1`,
        ),
      );
      if (restore.rc !== 0) {
        const said = restore.out.trim().split("\n").filter(Boolean).pop() ?? "";
        return [
          fail(
            "restore",
            `duplicity restore of ${spec.target}`,
            `exit ${restore.rc}`,
            `duplicity could not restore ${spec.target} (${said})`,
            fix(
              "restore",
              "run the restore command of backup_restore.md by hand as backup and fix what it reports",
            ),
          ),
        ];
      }
      const ok = pass("restore", `duplicity restore of ${spec.target}`, "restored");
      return [
        ok,
        ...(spec.service === "mysql"
          ? await mysqlDrill(spec, dir, exec)
          : await influxDrill(spec, dir, exec)),
      ];
    } finally {
      await exec(`${dropScratch} >/dev/null 2>&1; rm -rf ${dir}`, 120).catch(() => undefined);
    }
  },
};
