/**
 * What the fault test compares: the files the reference playbook manages on each host (their bytes) and the
 * listings of the folders they live in (a temporary file left there by a dropped connection would show up).
 */
import type { OwnLab } from "./own-lab.js";

export const MANAGED: Record<string, string[]> = {
  "mysql-1": ["/etc/cron.d/mysql-backup", "/home/backup/.my.cnf", "/home/backup/.ssh/known_hosts"],
  "influx-1": ["/etc/cron.d/influxdb-backup", "/home/backup/.ssh/known_hosts"],
  backup: ["/home/student/.ssh/authorized_keys", "/home/backup/.ssh/known_hosts"],
};
/** Built item by item by a loop (authorized_key per client): any whole-line mix of old and new keys is legitimate. */
export const LINE_BUILT = new Set(["/home/student/.ssh/authorized_keys"]);
const DIRS = ["/etc/cron.d", "/home/backup", "/home/backup/.ssh", "/home/student/.ssh"];

export interface HostSnapshot {
  files: Record<string, string | null>;
  dirs: Record<string, string[]>;
}

export async function snapshotHost(lab: OwnLab, host: string): Promise<HostSnapshot> {
  const files = MANAGED[host]!;
  const script =
    files
      .map((f) => `echo "== ${f}"; if [ -f ${f} ]; then base64 -w0 ${f}; echo; else echo MISSING; fi`)
      .join("; ") +
    "; " +
    DIRS.map((d) => `echo "## ${d}"; ls -A ${d} 2>/dev/null | tr '\\n' ' '; echo`).join("; ");
  const r = await lab.ssh(host, `sudo sh -c '${script.replace(/'/g, "'\\''")}'`);
  if (r.code !== 0) throw new Error(`snapshot of ${host} failed: ${r.stderr}`);
  const out: HostSnapshot = { files: {}, dirs: {} };
  const lines = r.stdout.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const f = /^== (.*)$/.exec(lines[i]!);
    if (f) {
      const v = lines[++i]!;
      out.files[f[1]!] = v === "MISSING" ? null : Buffer.from(v, "base64").toString("utf8");
    }
    const d = /^## (.*)$/.exec(lines[i]!);
    if (d) out.dirs[d[1]!] = (lines[++i] ?? "").split(" ").filter(Boolean);
  }
  return out;
}

/** Problems with a host's files after a faulted run: each file must hold its old or its new bytes, nothing else. */
export function partialFiles(after: HostSnapshot, before: HostSnapshot, converged: HostSnapshot): string[] {
  const problems: string[] = [];
  for (const [file, now] of Object.entries(after.files)) {
    const old = before.files[file] ?? null;
    const fresh = converged.files[file] ?? null;
    if (now === old || now === fresh) continue;
    if (LINE_BUILT.has(file) && now !== null) {
      const allowed = new Set([...(old ?? "").split("\n"), ...(fresh ?? "").split("\n")]);
      const torn = now.split("\n").filter((l) => !allowed.has(l));
      if (torn.length === 0 && (now === "" || now.endsWith("\n"))) continue;
    }
    problems.push(`${file} is neither its old nor its new content:\n${JSON.stringify(now)}`);
  }
  for (const [dir, names] of Object.entries(after.dirs)) {
    const known = new Set([...(before.dirs[dir] ?? []), ...(converged.dirs[dir] ?? [])]);
    const stray = names.filter((n) => !known.has(n));
    if (stray.length) problems.push(`${dir} has files no run should leave: ${stray.join(", ")}`);
  }
  return problems;
}
