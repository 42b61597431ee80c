/** `influx`: InfluxDB 1.x databases exist and hold at least so many points per measurement. */
import { fail, fixFor, pass } from "./lib/results.js";
import { probeLines } from "./lib/probe-output.js";
import { shellQuote } from "./lib/shell.js";
import type { ProbeCheck, PropertyResult } from "./types.js";

export interface InfluxSpec {
  databases: string[];
  /** database → fewest points each listed measurement must hold (measurement → count). */
  points?: Record<string, Record<string, number>>;
  fix?: string | Record<string, string>;
}

/** Rows of `SELECT COUNT(*) FROM /.*\/` in CSV: name,time,count_a,count_b… → measurement → points (largest field count). */
export function pointCounts(csv: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const row of csv) {
    const cells = row.split(",");
    if (cells[0] === "name" || cells.length < 3) continue;
    const n = Math.max(0, ...cells.slice(2).map((c) => Number(c) || 0));
    counts.set(cells[0]!, Math.max(n, counts.get(cells[0]!) ?? 0));
  }
  return counts;
}

export const influxCheck: ProbeCheck<InfluxSpec> = {
  kind: "probe",
  name: "influx",
  schema: {
    type: "object",
    required: ["databases"],
    additionalProperties: false,
    properties: {
      databases: { type: "array", items: { type: "string", minLength: 1 } },
      points: {
        type: "object",
        additionalProperties: { type: "object", additionalProperties: { type: "integer", minimum: 0 } },
      },
      fix: { type: ["string", "object"], additionalProperties: { type: "string" } },
    },
  },
  describe: (s) => `InfluxDB databases ${s.databases.join(", ")}`,

  probe(spec) {
    const lines = [`influx -format csv -execute 'SHOW DATABASES' 2>&1 | sed 's/^/db|/'`];
    for (const db of Object.keys(spec.points ?? {}))
      lines.push(
        `influx -format csv -database ${shellQuote(db)} -execute 'SELECT COUNT(*) FROM /.*/' 2>&1 | sed 's/^/count|${db.replace(/[|/\\&']/g, "")}|/'`,
      );
    return lines.join("\n");
  },

  evaluate(spec, output) {
    const lines = probeLines(output);
    const fix = (p: string, d: string) => fixFor(spec.fix, p, d);
    const dbs = lines.filter((l) => l.key === "db").map((l) => l.fields.join("|").split(",").pop()!);
    const out: PropertyResult[] = [];
    for (const db of spec.databases)
      out.push(
        dbs.includes(db)
          ? pass("database", db, "present")
          : fail(
              "database",
              db,
              "missing",
              `InfluxDB has no database ${db}`,
              fix("database", `create it (or restore it from the backup)`),
            ),
      );
    for (const [db, wanted] of Object.entries(spec.points ?? {})) {
      const counts = pointCounts(
        lines.filter((l) => l.key === "count" && l.fields[0] === db).map((l) => l.fields.slice(1).join("|")),
      );
      for (const [m, min] of Object.entries(wanted)) {
        const n = counts.get(m) ?? 0;
        out.push(
          n >= min
            ? pass("points", `${db}.${m} ≥ ${min}`, String(n))
            : fail(
                "points",
                `${db}.${m} ≥ ${min}`,
                String(n),
                `${db}.${m} holds ${n} points`,
                fix("points", `at least ${min} expected; is Telegraf writing?`),
              ),
        );
      }
    }
    return out;
  },
};
