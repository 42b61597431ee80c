/** POSIX sh quoting: every value we put into a remote command line goes through here. */
import { InfraError } from "../util/errors.js";

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** One shell word that /bin/sh reads back as exactly `s` (single quotes; a ' becomes '\''). */
export function shellQuote(s: string): string {
  if (SAFE.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * A path as one shell word, leaving a leading `~` or `~user` unquoted so the host's shell expands it to that home
 * directory (as Ansible expands ~ in paths on the remote side).
 */
export function shellPath(p: string): string {
  const m = /^~([A-Za-z0-9_][A-Za-z0-9_.-]*)?(\/.*)?$/.exec(p);
  if (!m) return shellQuote(p);
  const rest = m[2] ?? "";
  return `~${m[1] ?? ""}${rest === "" ? "" : `/${rest.length > 1 ? shellQuote(rest.slice(1)) : ""}`}`;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `export NAME='value'` lines: servers usually refuse SSH setenv requests, so environment travels in the command. */
export function exportLines(env: Record<string, string> | undefined): string {
  if (!env) return "";
  let out = "";
  for (const [name, value] of Object.entries(env)) {
    if (!ENV_NAME.test(name)) {
      throw new InfraError(`invalid environment variable name ${JSON.stringify(name)}`, {
        hint: "Names may hold letters, digits and _ and must not start with a digit.",
      });
    }
    out += `export ${name}=${shellQuote(String(value))}\n`;
  }
  return out;
}
