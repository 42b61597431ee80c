/**
 * Ansible's log_path: every line the display shows is appended to a file as well, without colour, in the format
 * of Ansible's logger (`2026-12-02 15:40:01,123 p=4242 u=root n=ansible | TASK [x] ***`). Lines reach it after
 * the display's vault censor, so the log holds no more than the screen does.
 */
import { closeSync, openSync, writeSync } from "node:fs";
import { userInfo } from "node:os";

export type LogSink = (text: string) => void;

export interface LogFile {
  write: LogSink;
  close(): void;
}

/** Opens `path` for appending; when it cannot be, `warn` is told why and nothing is logged (as in Ansible). */
export function openLogFile(path: string, warn: (msg: string) => void): LogFile | undefined {
  let fd: number;
  try {
    // As Ansible: the file is created when missing, its folder is not.
    fd = openSync(path, "a", 0o600);
  } catch (e) {
    warn(
      `log file at ${path} is not writeable and we cannot create it, aborting logging: ${(e as Error).message}`,
    );
    return undefined;
  }
  const prefix = `p=${process.pid} u=${user()} n=ansible | `;
  return {
    write(text) {
      const body = text.replace(/^\n+/, "");
      if (body) writeSync(fd, `${timestamp(new Date())} ${prefix}${body}\n`);
    },
    close: () => closeSync(fd),
  };
}

function user(): string {
  try {
    return userInfo().username;
  } catch {
    return String(process.getuid?.() ?? "");
  }
}

/** Python logging's asctime: local time, "YYYY-MM-DD HH:MM:SS,mmm". */
function timestamp(d: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  return (
    `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ` +
    `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())},${p(d.getMilliseconds(), 3)}`
  );
}
