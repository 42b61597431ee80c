/**
 * What community.mysql asks of the server before it decides anything: its version (MariaDB or MySQL, and which
 * user-management statements it has) and whether sql_mode quotes identifiers ANSI-style. One query.
 */
import type { MysqlSession } from "./mysql-connect.js";

export interface ServerInfo {
  version: string;
  mariadb: boolean;
  /** "ANSI" when @@GLOBAL.sql_mode contains ANSI (then identifiers quote with `"`). */
  mode: "ANSI" | "NOTANSI";
}

export async function serverInfo(s: MysqlSession): Promise<ServerInfo> {
  const [row] = await s.query("SELECT VERSION(), @@GLOBAL.sql_mode");
  const version = String(row?.[0] ?? "");
  return {
    version,
    mariadb: version.toLowerCase().includes("mariadb"),
    mode: String(row?.[1] ?? "").includes("ANSI") ? "ANSI" : "NOTANSI",
  };
}

/** LooseVersion(version) < LooseVersion(than), for the dotted numbers these checks use. */
export function versionBelow(version: string, than: string): boolean {
  const a = (version.match(/^\d+(?:\.\d+)*/)?.[0] ?? "0").split(".").map(Number);
  const b = than.split(".").map(Number);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === undefined) return true;
    if (y === undefined) return false;
    if (x !== y) return x < y;
  }
  return false;
}

/** Servers without CREATE USER … IDENTIFIED WITH … AS (MariaDB < 10.2, MySQL < 5.7). */
export const oldUserMgmt = (i: ServerInfo) => versionBelow(i.version, i.mariadb ? "10.2" : "5.7");
export const supportsIdentifiedByPassword = (i: ServerInfo) => i.mariadb || versionBelow(i.version, "8");
export const supportsAlterUser = (i: ServerInfo) => !versionBelow(i.version, i.mariadb ? "10.2" : "5.6");
