/**
 * What each host is, read in one command: does it run MariaDB/MySQL, InfluxDB, and which duplicity URLs do its
 * cron jobs upload to (they name the backup server and the student's user there).
 */
import { probeLines } from "./lib/probe-output.js";
import { parseBackupUrl, type BackupUrl } from "./lib/backup-url.js";

export interface HostFacts {
  mariadb: boolean;
  influxdb: boolean;
  urls: string[];
}

export const DISCOVERY_SCRIPT = [
  `if pgrep -x mariadbd >/dev/null || pgrep -x mysqld >/dev/null; then echo 'mariadb|yes'; fi`,
  `if pgrep -x influxd >/dev/null; then echo 'influxdb|yes'; fi`,
  `cat /etc/cron.d/* 2>/dev/null | grep -o 'rsync://[^[:space:]"]*' | sort -u | sed 's/^/url|/'`,
].join("\n");

export function parseDiscovery(output: string): HostFacts {
  const lines = probeLines(output);
  return {
    mariadb: lines.some((l) => l.key === "mariadb"),
    influxdb: lines.some((l) => l.key === "influxdb"),
    urls: lines.filter((l) => l.key === "url").map((l) => l.fields.join("|")),
  };
}

/** backup_host, backup_user and backup_url_base from the first rsync URL the cron jobs use. */
export function backupVars(urls: string[]): Record<string, string> {
  const parsed = urls.map(parseBackupUrl).filter((u): u is BackupUrl => !!u?.host);
  const u = parsed[0];
  if (!u) return {};
  return {
    backup_host: u.host!,
    ...(u.user ? { backup_user: u.user } : {}),
    backup_url_base: `${u.scheme}://${u.user ? `${u.user}@` : ""}${u.host}`,
  };
}
