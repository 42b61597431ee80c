/**
 * The account databases as Python's pwd/grp/spwd modules show them to Ansible's user and group modules, read with
 * getent in the same probe as the rest of a module's state. Lines travel base64-encoded so any byte survives.
 */

export interface PasswdEntry {
  name: string;
  /** The passwd field ("x" when the hash is in /etc/shadow). */
  passwd: string;
  uid: number;
  gid: number;
  comment: string;
  home: string;
  shell: string;
}

export interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

export interface ShadowEntry {
  hash: string;
  /** sp_min, sp_max, sp_expire: -1 when empty, as spwd reports them. */
  min: number;
  max: number;
  expire: number;
}

/** PATH with the sbin directories, where Ansible's get_bin_path also looks for useradd, groupadd, chpasswd. */
export const SBIN_PATH = `PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"; export PATH`;

/** A shell command printing `cmd`'s output base64-encoded on one line (empty line when it prints nothing). */
export const b64 = (cmd: string) => `{ ${cmd}; } 2>/dev/null | base64 -w0; echo`;

export const fromB64 = (s: string | undefined) => Buffer.from((s ?? "").trim(), "base64").toString("utf8");

export function parsePasswd(line: string): PasswdEntry | undefined {
  const f = line.replace(/\n$/, "").split(":");
  if (f.length < 7) return undefined;
  return {
    name: f[0]!,
    passwd: f[1]!,
    uid: Number(f[2]),
    gid: Number(f[3]),
    comment: f[4]!,
    home: f[5]!,
    shell: f.slice(6).join(":"),
  };
}

export function parseGroups(text: string): GroupEntry[] {
  return text
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => {
      const f = l.split(":");
      return { name: f[0]!, gid: Number(f[2]), members: (f[3] ?? "").split(",").filter(Boolean) };
    });
}

export function parseShadow(line: string): ShadowEntry | undefined {
  const f = line.replace(/\n$/, "").split(":");
  if (f.length < 8) return undefined;
  const num = (s: string | undefined) => (s === undefined || s === "" ? -1 : Number(s));
  return { hash: f[1]!, min: num(f[3]), max: num(f[4]), expire: num(f[7]) };
}

/** grp.getgrgid(int(g)) first, then grp.getgrnam(g): Ansible's group_exists/group_info. */
export function findGroup(groups: GroupEntry[], g: string): GroupEntry | undefined {
  if (/^\s*[-+]?\d+\s*$/.test(g)) {
    const byId = groups.find((x) => x.gid === Number(g));
    if (byId) return byId;
  }
  return groups.find((x) => x.name === g);
}

/**
 * Script lines that run `cmd` and print three lines: its rc, its stdout and its stderr (base64), so a module can
 * report them as Ansible's run_command does. The script goes on after a failure; `_rc` holds the last rc.
 */
export function captured(cmd: string): string {
  return [
    `_o=$(mktemp) && _e=$(mktemp) || exit 1`,
    `{ ${cmd}; } >"$_o" 2>"$_e"; _rc=$?`,
    `echo "$_rc"; base64 -w0 <"$_o"; echo; base64 -w0 <"$_e"; echo; rm -f -- "$_o" "$_e"`,
  ].join("\n");
}

export interface Captured {
  rc: number;
  stdout: string;
  stderr: string;
}

/** Reads the three lines `captured` printed, starting at `lines[at]`. */
export function readCaptured(lines: string[], at: number): Captured {
  return { rc: Number(lines[at]), stdout: fromB64(lines[at + 1]), stderr: fromB64(lines[at + 2]) };
}
