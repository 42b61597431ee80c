/**
 * A course at once: roster.csv lists one student a line — `name,inventory,repo` or `name,host,port,user,key,repo`
 * (a header line starting with `name` and `#` comments are skipped). Students are graded in parallel, each with
 * its own connections; one that cannot be reached is reported and the others are still graded.
 */
import { dirname, resolve } from "node:path";
import { Inventory, loadInventory } from "../inventory/index.js";
import { ConnectionPool, type TransportConfig } from "../transport/index.js";
import { InfraError } from "../util/errors.js";
import { CANNOT_RUN } from "./definitions.js";
import { gradeStudent, type GradeOptions } from "./grade.js";
import type { StudentReport } from "./types.js";

export interface RosterEntry {
  name: string;
  inventory?: string;
  host?: { address: string; port: number; user: string; key?: string };
  repo?: string;
  line: number;
}

/** One CSV line: commas split, double quotes group (with "" for a quote). */
export function csvCells(line: string): string[] {
  const cells: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted && ch === '"' && line[i + 1] === '"') {
      cur += '"';
      i++;
    } else if (ch === '"') {
      quoted = !quoted;
    } else if (ch === "," && !quoted) {
      cells.push(cur.trim());
      cur = "";
    } else {
      cur += ch;
    }
  }
  cells.push(cur.trim());
  return cells;
}

export function parseRoster(text: string, file: string): RosterEntry[] {
  const base = dirname(resolve(file));
  const path = (p: string | undefined) => (p ? resolve(base, p) : undefined);
  const out: RosterEntry[] = [];
  text.split("\n").forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith("#")) return;
    const cells = csvCells(line);
    if (i === 0 && cells[0]?.toLowerCase() === "name") return;
    const where = { file, line: i + 1 };
    if (cells.length === 3 || cells.length === 2)
      out.push({ name: cells[0]!, inventory: path(cells[1]), repo: path(cells[2]), line: i + 1 });
    else if (cells.length === 6) {
      const port = Number(cells[2] || 22);
      if (!Number.isInteger(port) || port < 1 || port > 65535)
        throw new InfraError(`roster: port must be a number, got ${JSON.stringify(cells[2])}`, {
          location: where,
          exitCode: CANNOT_RUN,
        });
      out.push({
        name: cells[0]!,
        host: { address: cells[1]!, port, user: cells[3] || "ubuntu", key: path(cells[4]) },
        repo: path(cells[5]),
        line: i + 1,
      });
    } else
      throw new InfraError(
        `roster: expected 3 fields (name,inventory,repo) or 6 (name,host,port,user,key,repo), got ${cells.length}`,
        {
          location: where,
          excerpt: raw,
          exitCode: CANNOT_RUN,
        },
      );
  });
  return out;
}

/** The student's inventory: their own file, or one host from the roster line. */
export function rosterInventory(e: RosterEntry): Inventory {
  if (e.inventory) return loadInventory([e.inventory]);
  const inv = new Inventory();
  const h = inv.addHost(e.host!.address, "ungrouped"); // `ungrouped` always exists
  h.setVariable("ansible_port", e.host!.port);
  h.setVariable("ansible_user", e.host!.user);
  if (e.host!.key) h.setVariable("ansible_ssh_private_key_file", e.host!.key);
  inv.reconcile();
  return inv;
}

export async function gradeRoster(
  entries: RosterEntry[],
  opts: Omit<GradeOptions, "student" | "inventory" | "repo" | "pool"> & {
    jobs?: number;
    transport?: TransportConfig;
  },
): Promise<StudentReport[]> {
  const reports: StudentReport[] = new Array(entries.length);
  let next = 0;
  const worker = async () => {
    while (next < entries.length) {
      const i = next++;
      const e = entries[i]!;
      const pool = new ConnectionPool(opts.transport ?? {});
      try {
        reports[i] = await gradeStudent({
          ...opts,
          student: e.name,
          inventory: rosterInventory(e),
          repo: e.repo,
          pool,
        });
      } catch (err) {
        reports[i] = failedReport(
          e.name,
          opts.definitions.map((d) => d.lab),
          (err as Error).message,
        );
      } finally {
        await pool.closeAll();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.jobs ?? 4, entries.length)) }, worker));
  return reports;
}

/** A student whose grading could not start at all (their inventory is broken, say). */
export function failedReport(student: string, labs: string[], error: string): StudentReport {
  return {
    student,
    labs,
    roles: [],
    tasks: [],
    score: 0,
    maxScore: 0,
    error,
    unreachable: [],
    durationMs: 0,
  };
}
