/**
 * MySQL privileges the way community.mysql's mysql_user reads and compares them (module_utils/user.py): a privilege
 * spec string (`db.*:SELECT,LOCK TABLES/db2.tbl:ALL`) and SHOW GRANTS lines both become a map from a quoted
 * `db`.table to the list of privilege names, so the same grant written either way compares equal. Kept exactly as
 * Ansible has it — including its quirks (a space after a comma stays part of the name) — so `changed` agrees.
 */
import { pyStr } from "../../template/values.js";

/** `` `db`.* `` (or `*.*`) → privilege names in the order given; `GRANT` stands for WITH GRANT OPTION. */
export type PrivMap = Map<string, string[]>;

export class InvalidPrivsError extends Error {}

/** Ansible's convert_priv_dict_to_str: `{ "db.*": "SELECT" }` → `db.*:SELECT`, joined with `/`. */
export function privDictToString(priv: Record<string, unknown>): string {
  return Object.entries(priv)
    .map(([k, v]) => `${k}:${pyStr(v)}`)
    .join("/");
}

const stripChar = (s: string, c: string) => {
  let a = 0;
  let b = s.length;
  while (a < b && s[a] === c) a++;
  while (b > a && s[b - 1] === c) b--;
  return s.slice(a, b);
};

/** Python's str.rsplit(sep, 1). */
function rsplit1(s: string, sep: string): string[] {
  const i = s.lastIndexOf(sep);
  return i < 0 ? [s] : [s.slice(0, i), s.slice(i + sep.length)];
}

/**
 * privileges_unpack: the user's spec → PrivMap. `mode` is "ANSI" when the server's sql_mode has ANSI (identifiers
 * then quote with `"`). With `ensureUsage`, `*.*: USAGE` is added when `*.*` is not named, as the server shows it.
 */
export function privilegesUnpack(priv: string, mode: "ANSI" | "NOTANSI", ensureUsage = true): PrivMap {
  const q = mode === "ANSI" ? '"' : "`";
  const out: PrivMap = new Map();
  let privs: string[] = [];
  for (const raw of priv.trim().split("/")) {
    const pieces = rsplit1(raw.trim(), ":");
    if (pieces.length < 2)
      throw new InvalidPrivsError(`invalid privileges string: ${raw} (expected db.table:PRIV,PRIV)`);
    const dbpriv = rsplit1(pieces[0]!, ".");
    const parts = splitOnce(dbpriv[0]!, " ");
    let objectType = "";
    if (parts.length > 1 && (parts[0] === "FUNCTION" || parts[0] === "PROCEDURE")) {
      objectType = parts[0] + " ";
      dbpriv[0] = parts[1]!;
    }
    for (let i = 0; i < dbpriv.length; i++) {
      const side = stripChar(dbpriv[i]!, "`");
      if (side !== "*") dbpriv[i] = `${q}${side}${q}`;
    }
    const key = objectType + dbpriv.join(".");
    const names = pieces[1]!.toUpperCase();
    // Ansible's `privs` keeps pointing at an earlier object's list, and a column grant's names are appended to
    // it: `a.*:SELECT/b.t:SELECT (x)` leaves a.* with SELECT twice. Kept, so `changed` agrees with Ansible.
    if (pieces[1]!.includes("(")) {
      const list = names.split(/,\s*(?=[^)]*(?:\(|$))/);
      out.set(key, list);
      for (const i of list) privs.push(i.replace(/\s*\(.*\)/g, ""));
    } else {
      const list = names.split(",");
      out.set(key, list);
      privs = list;
    }
    out.set(key, normalizeColGrants(out.get(key)!));
  }
  if (ensureUsage && !out.has("*.*")) out.set("*.*", ["USAGE"]);
  return out;
}

function splitOnce(s: string, sep: string): string[] {
  const i = s.indexOf(sep);
  return i < 0 ? [s] : [s.slice(0, i), s.slice(i + sep.length)];
}

/** Makes `["SELECT (B", "A)"]` one `SELECT (A, B)`, columns sorted, as the server may list them in any order. */
export function normalizeColGrants(privileges: string[]): string[] {
  let privs = privileges;
  for (const grant of ["SELECT", "UPDATE", "INSERT", "REFERENCES"]) {
    let start: number | undefined;
    let end: number | undefined;
    for (let n = 0; n < privs.length; n++) {
      if (privs[n]!.includes(`${grant} (`)) start = n;
      if (start !== undefined && privs[n]!.includes(")")) {
        end = n;
        break;
      }
    }
    if (start === undefined || end === undefined) continue;
    if (start !== end) {
      privs = [
        ...privs.slice(0, start),
        sortColumnOrder(privs.slice(start, end + 1).join(", ")),
        ...privs.slice(end + 1),
      ];
    } else {
      privs = [...privs];
      privs[start] = sortColumnOrder(privs[start]!);
    }
  }
  return privs;
}

function sortColumnOrder(statement: string): string {
  const tmp = statement.split("(");
  const columns = tmp[1]!
    .replace(/\)+$/, "")
    .split(",")
    .map((c) => stripChar(c.trim(), "`"));
  columns.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return `${tmp[0]}(${columns.join(", ")})`;
}

const GRANT_LINE =
  /^GRANT (.+) ON (.+) TO (['`"]).*\3@(['`"]).*\4( IDENTIFIED BY PASSWORD (['`"]).+\6)? ?(.*)/;
const ROLE_LINE = /^GRANT (.+) TO (['`"]).*/;

/** privileges_get: SHOW GRANTS lines → PrivMap (`ALL PRIVILEGES` read as `ALL`; role grants skipped). */
export function parseGrants(lines: string[]): PrivMap {
  const out: PrivMap = new Map();
  for (const line of lines) {
    const m = GRANT_LINE.exec(line);
    if (!m) {
      if (ROLE_LINE.test(line)) continue;
      throw new InvalidPrivsError(`unable to parse the MySQL grant string: ${line}`);
    }
    let privs = m[1]!.split(",").map((x) => (x.trim() === "ALL PRIVILEGES" ? "ALL" : x.trim()));
    privs = normalizeColGrants(privs);
    if ((m[7] ?? "").includes("WITH GRANT OPTION")) privs.push("GRANT");
    const db = m[2]!;
    out.set(db, [...(out.get(db) ?? []), ...privs]);
  }
  return out;
}

/** Python's `dict == dict` for two PrivMaps (lists compare in order). */
export function privMapsEqual(a: PrivMap, b: PrivMap): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) {
    const w = b.get(k);
    if (!w || w.length !== v.length || v.some((x, i) => x !== w[i])) return false;
  }
  return true;
}

/** A PrivMap as diff text: one `db.table: PRIV, PRIV` line per object, sorted. */
export function privMapText(p: PrivMap): string {
  return [...p.keys()]
    .sort()
    .map((k) => `${k}: ${p.get(k)!.join(", ")}\n`)
    .join("");
}
