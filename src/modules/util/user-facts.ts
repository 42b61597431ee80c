/**
 * Everything the user module decides on, read in one script: the passwd, shadow and group entries (as pwd, spwd and
 * grp show them to Ansible), the host name (default key comment), whether the home exists, and the SSH key file
 * with its fingerprint. The same script runs again at the end of a change to report the new state.
 */
import {
  b64,
  captured,
  fromB64,
  parseGroups,
  parsePasswd,
  parseShadow,
  readCaptured,
  SBIN_PATH,
} from "./accounts.js";
import type { Captured, GroupEntry, PasswdEntry, ShadowEntry } from "./accounts.js";
import { pathWord, quote } from "./shell.js";

export interface UserFactsQuery {
  name: string;
  /** The `home` argument (its existence and its parent's are read). */
  home?: string | null;
  /** ssh_key_file as given, or `.ssh/id_<type>`; a relative one is under the user's current home. */
  sshFile: string;
}

export interface UserFacts {
  passwd?: PasswdEntry;
  shadow?: ShadowEntry;
  groups: GroupEntry[];
  hostname: string;
  /** The home (argument, else the passwd one) exists. */
  homeExists: boolean;
  /** The parent of the `home` argument is a directory (true when none was given). */
  homeParentIsDir: boolean;
  keyFile: string;
  keyDirExists: boolean;
  keyExists: boolean;
  pubExists: boolean;
  /** The .pub file's text, stripped (Ansible's get_ssh_public_key), or null when it cannot be read. */
  publicKey: string | null;
  /** `ssh-keygen -l -f key`, when the key exists. */
  fingerprint?: Captured;
}

const isAbs = (p: string) => p.startsWith("/") || p === "~" || p.startsWith("~/");

/** Lines a script prints; `userFactsScript` prints exactly this many. */
export const USER_FACT_LINES = 14;

export function userFactsScript(q: UserFactsQuery): string {
  const home = q.home != null ? pathWord(q.home) : `"$_ph"`;
  const key = isAbs(q.sshFile) ? pathWord(q.sshFile) : `"$_ph"/${quote(q.sshFile)}`;
  return [
    SBIN_PATH,
    `_pw=$(getent passwd -- ${quote(q.name)})`,
    `printf '%s' "$_pw" | base64 -w0; echo`,
    b64(`getent shadow -- ${quote(q.name)}`),
    b64(`getent group`),
    `uname -n`,
    `_ph=$(printf '%s' "$_pw" | cut -d: -f6)`,
    `_h=${home}; if [ -n "$_h" ] && [ -e "$_h" ]; then echo 1; else echo 0; fi`,
    q.home != null ? `if [ -d "$(dirname -- ${home})" ]; then echo 1; else echo 0; fi` : `echo 1`,
    `_k=${key}; printf '%s' "$_k" | base64 -w0; echo`,
    `if [ -d "$(dirname -- "$_k")" ]; then echo 1; else echo 0; fi`,
    `if [ -e "$_k" ]; then echo 1; else echo 0; fi`,
    `if [ -e "$_k.pub" ]; then echo 1; else echo 0; fi`,
    `if [ -r "$_k.pub" ]; then base64 -w0 <"$_k.pub"; echo; else echo -; fi`,
    `if [ -e "$_k" ]; then`,
    captured(`ssh-keygen -l -f "$_k"`),
    `else printf 'x\\n\\n\\n'; fi`,
  ].join("\n");
}

/** Parses the lines `userFactsScript` printed, from `lines[at]` on. */
export function parseUserFacts(lines: string[], at = 0): UserFacts {
  const l = (i: number) => lines[at + i] ?? "";
  const passwd = parsePasswd(fromB64(l(0)));
  const shadow = parseShadow(fromB64(l(1)));
  const pub = l(10);
  return {
    ...(passwd ? { passwd } : {}),
    ...(shadow ? { shadow } : {}),
    groups: parseGroups(fromB64(l(2))),
    hostname: l(3),
    homeExists: l(4) === "1",
    homeParentIsDir: l(5) === "1",
    keyFile: fromB64(l(6)),
    keyDirExists: l(7) === "1",
    keyExists: l(8) === "1",
    pubExists: l(9) === "1",
    publicKey: pub === "-" ? null : fromB64(pub).trim(),
    ...(l(11) !== "x" ? { fingerprint: readCaptured(lines, at + 11) } : {}),
  };
}

/** Group names listing the user as a member (Ansible's user_group_membership), primary group optionally left out. */
export function memberships(f: UserFacts, name: string, excludePrimary: boolean): string[] {
  return f.groups
    .filter((g) => g.members.includes(name) && !(excludePrimary && f.passwd && g.gid === f.passwd.gid))
    .map((g) => g.name);
}
