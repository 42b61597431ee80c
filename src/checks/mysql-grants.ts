/**
 * `mysql_grants`: SHOW GRANTS for every host a MySQL user is defined for, read with `mysql` as root over the
 * SSH connection (read-only). The user must exist only for the expected host and hold exactly the expected
 * privileges on exactly the expected database.
 */
import { fail, fixFor, pass } from "./lib/results.js";
import { probeLines } from "./lib/probe-output.js";
import { shellQuote } from "./lib/shell.js";
import type { ProbeCheck, PropertyResult } from "./types.js";

export interface GrantsSpec {
  user: string;
  host?: string;
  database: string;
  privileges: string[];
  fix?: string | Record<string, string>;
}

const sqlString = (s: string) => `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;

/** `GRANT SELECT, LOCK TABLES ON `agama`.* TO `backup`@`localhost`` → privileges and target (`agama`.* → agama). */
export function parseGrant(line: string): { privileges: string[]; target: string } | undefined {
  const m = /^GRANT (.+?) ON (\S+) TO /.exec(line);
  if (!m) return undefined;
  const privileges = m[1]!.split(/,\s*/).map((p) => p.trim().toUpperCase());
  const target = m[2]!.replace(/`/g, "");
  return { privileges, target };
}

export const mysqlGrantsCheck: ProbeCheck<GrantsSpec> = {
  kind: "probe",
  name: "mysql_grants",
  schema: {
    type: "object",
    required: ["user", "database", "privileges"],
    additionalProperties: false,
    properties: {
      user: { type: "string", minLength: 1 },
      host: { type: "string", minLength: 1 },
      database: { type: "string", pattern: "^[A-Za-z0-9_$]+$" },
      privileges: { type: "array", minItems: 1, items: { type: "string" } },
      fix: { type: ["string", "object"], additionalProperties: { type: "string" } },
    },
  },
  describe: (s) => `MySQL grants of ${s.user}@${s.host ?? "localhost"}`,

  probe(spec) {
    const listHosts = `SELECT host FROM mysql.user WHERE user = ${sqlString(spec.user)}`;
    // Hosts come back from the server; the loop quotes each one for SQL before asking for its grants.
    return [
      `mysql -N -B -e ${shellQuote(listHosts)} 2>&1 | while IFS= read -r h; do`,
      `  printf 'host|%s\\n' "$h"`,
      `  q=$(printf '%s' "$h" | sed "s/'/''/g")`,
      `  mysql -N -B -e "SHOW GRANTS FOR ${sqlString(spec.user).replace(/"/g, '\\"')}@'$q'" 2>&1 | sed 's/^/grant|/'`,
      `done`,
    ].join("\n");
  },

  evaluate(spec, output) {
    const host = spec.host ?? "localhost";
    const fix = (p: string, d: string) => fixFor(spec.fix, p, d);
    const lines = probeLines(output);
    const hosts = lines.filter((l) => l.key === "host").map((l) => l.fields.join("|"));
    const who = `${spec.user}@${host}`;
    const wanted = spec.privileges.map((p) => p.toUpperCase()).sort();
    if (!hosts.length) {
      const said = output.split("\n").find((l) => /ERROR/.test(l));
      return [
        fail(
          "exists",
          who,
          said ?? "missing",
          `MySQL user ${spec.user} does not exist`,
          fix("exists", `CREATE USER ${who} and GRANT ${wanted.join(", ")} ON ${spec.database}.* TO ${who}`),
        ),
      ];
    }
    const out: PropertyResult[] = [];
    const others = hosts.filter((h) => h !== host);
    out.push(
      others.length === 0
        ? pass("host", host, hosts.join(","))
        : fail(
            "host",
            host,
            hosts.join(","),
            `MySQL user ${spec.user} is allowed from ${others.map((h) => `'${h}'`).join(", ")}${others.includes("%") ? " (any host)" : ""}`,
            fix(
              "host",
              `it must connect from ${host} only — RENAME USER ${spec.user}@'${others[0]}' TO ${who} (or DROP USER the extra one)`,
            ),
          ),
    );
    // Every privilege of every host entry counts: what the user can do from anywhere.
    const byTarget = new Map<string, Set<string>>();
    for (const l of lines.filter((x) => x.key === "grant")) {
      const g = parseGrant(l.fields.join("|"));
      if (!g) continue;
      const set = byTarget.get(g.target) ?? new Set<string>();
      for (const p of g.privileges) if (p !== "USAGE") set.add(p === "ALL" ? "ALL PRIVILEGES" : p);
      if (set.size) byTarget.set(g.target, set);
    }
    const target = `${spec.database}.*`;
    const onDb = [...(byTarget.get(target) ?? [])].sort();
    const elsewhere = [...byTarget.entries()].filter(([t]) => t !== target);
    const found =
      [...byTarget.entries()].map(([t, s]) => `${[...s].sort().join(", ")} ON ${t}`).join("; ") || "none";
    const expected = `${wanted.join(", ")} ON ${target}`;
    if (elsewhere.length) {
      const [t, s] = elsewhere[0]!;
      out.push(
        fail(
          "privileges",
          expected,
          found,
          `${spec.user} has ${[...s].sort().join(", ")} on ${t}${t === "*.*" ? " (every database)" : ""}`,
          fix(
            "privileges",
            `grant only on ${spec.database}: REVOKE ${[...s].sort().join(", ")} ON ${t} FROM ${spec.user}@'${hosts[0]}'; GRANT ${wanted.join(", ")} ON ${target} TO ${who}`,
          ),
        ),
      );
    } else if (onDb.join(",") !== wanted.join(",")) {
      const missing = wanted.filter((p) => !onDb.includes(p));
      const extra = onDb.filter((p) => !wanted.includes(p));
      const parts = [
        missing.length ? `lacks ${missing.join(", ")}` : "",
        extra.length ? `also has ${extra.join(", ")}` : "",
      ];
      out.push(
        fail(
          "privileges",
          expected,
          found,
          `${spec.user} ${parts.filter(Boolean).join(" and ")} on ${target}`,
          fix(
            "privileges",
            `it needs exactly ${wanted.join(", ")} — ${extra.length ? `REVOKE ${extra.join(", ")} ON ${target} FROM ${who}; ` : ""}GRANT ${wanted.join(", ")} ON ${target} TO ${who}`,
          ),
        ),
      );
    } else {
      out.push(pass("privileges", expected, found));
    }
    return out;
  },
};
