/**
 * /etc/cron.d files as Debian's cron reads them (cron(8), "DEBIAN SPECIFIC"): a file is ignored unless its name
 * holds only letters, digits, `_` and `-`, it is owned by root and not writable by group or others; every line
 * needs a trailing newline; system crontab lines carry a user field; an unescaped `%` ends the command.
 */
export interface CronJob {
  file: string;
  line: number;
  text: string;
  schedule: string;
  user: string;
  command: string;
}

export interface CronFile {
  path: string;
  name: string;
  owner: string;
  mode: number;
  content: string;
  jobs: CronJob[];
}

export const VALID_NAME = /^[A-Za-z0-9_-]+$/;

const NICKNAMES = new Set([
  "@reboot",
  "@yearly",
  "@annually",
  "@monthly",
  "@weekly",
  "@daily",
  "@midnight",
  "@hourly",
]);

/** Job lines of a system crontab: env assignments and comments are skipped. */
export function parseCronFile(path: string, owner: string, mode: number, content: string): CronFile {
  const jobs: CronJob[] = [];
  content.split("\n").forEach((raw, i) => {
    const text = raw.trim();
    if (!text || text.startsWith("#") || /^[A-Za-z_][A-Za-z0-9_]*\s*=/.test(text)) return;
    const words = text.split(/\s+/);
    const n = words[0]!.startsWith("@") ? 1 : 5;
    const schedule = words.slice(0, n).join(" ");
    const user = words[n] ?? "";
    const command = words.length > n + 1 ? afterWords(text, n + 1) : "";
    jobs.push({ file: path, line: i + 1, text, schedule, user, command });
  });
  return { path, name: path.split("/").pop()!, owner, mode, content, jobs };
}

/** The text after the first `count` whitespace-separated words. */
function afterWords(text: string, count: number): string {
  const m = new RegExp(`^(?:\\S+\\s+){${count}}`).exec(text);
  return m ? text.slice(m[0].length) : "";
}

export function isNickname(schedule: string): boolean {
  return NICKNAMES.has(schedule);
}

/** Why cron ignores or mistrusts this file, or nothing. */
export function fileProblems(f: CronFile): { property: string; problem: string; fix: string }[] {
  const out: { property: string; problem: string; fix: string }[] = [];
  if (!VALID_NAME.test(f.name))
    out.push({
      property: "file_name",
      problem: `cron ignores ${f.path}: its name holds characters other than letters, digits, _ and -`,
      fix: `rename it to /etc/cron.d/${f.name.replace(/\.[^.]*$/, "").replace(/[^A-Za-z0-9_-]/g, "-")} (in the role: dest without .j2)`,
    });
  if (f.owner !== "root")
    out.push({
      property: "file_owner",
      problem: `cron ignores ${f.path}: it is owned by ${f.owner}`,
      fix: `chown root:root ${f.path}`,
    });
  if (f.mode & 0o022)
    out.push({
      property: "file_mode",
      problem: `cron ignores ${f.path}: mode ${f.mode.toString(8).padStart(4, "0")} lets group or others write it`,
      fix: `chmod 0644 ${f.path}`,
    });
  if (f.content.length && !f.content.endsWith("\n"))
    out.push({
      property: "newline",
      problem: `the last line of ${f.path} has no newline, so cron skips it`,
      fix: "end the file with a newline",
    });
  return out;
}

/** An unescaped % in a command: cron turns it into a newline and feeds the rest to stdin. */
export function unescapedPercent(command: string): boolean {
  return /(^|[^\\])%/.test(command);
}
