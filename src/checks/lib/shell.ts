/** Shell building blocks shared by probes (POSIX sh, run as root on the graded host). */
import { shellQuote } from "../../transport/index.js";

export { shellQuote };

/** Run `command` as `user` through sudo with a login-free shell, in / so no cwd of ours leaks in. */
export function asUser(user: string, command: string): string {
  return `sudo -H -n -u ${shellQuote(user)} -- /bin/sh -c ${shellQuote(`cd / && ${command}`)}`;
}

/** `KEY|` followed by the base64 of a file's first bytes, on one line. */
export function base64Line(key: string, file: string, maxBytes = 1 << 20): string {
  return `printf '%s|' ${shellQuote(key)}; head -c ${maxBytes} -- ${file} | base64 -w0; echo`;
}
