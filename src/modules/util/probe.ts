/**
 * Reading host state in one command (pyinfra's facts): a module asks for every stat, checksum and lookup it needs,
 * the pieces are joined into one POSIX sh script, and each piece prints exactly one line, so the answers come back
 * in the order they were asked. GNU stat and readlink are assumed (Debian/Ubuntu hosts).
 */
import { parseIdLine } from "../../util/id-line.js";
import type { ModuleContext } from "../types.js";
import { ModuleFailure } from "./failure.js";
import { pythonProgram, pyPath } from "./probe-python.js";
import { pathWord, quote } from "./shell.js";

export type FsKind = "file" | "directory" | "link" | "fifo" | "socket" | "char" | "block";

export interface FsStat {
  exists: true;
  kind: FsKind;
  /** Permission bits (S_IMODE). */
  mode: number;
  uid: number;
  gid: number;
  /** Owner and group names; the number as text when the id has no name (as Ansible's add_path_info). */
  owner: string;
  group: string;
  size: number;
  nlink: number;
  ino: number;
  dev: number;
  mtime: number;
  atime: number;
  ctime: number;
  /** A symlink's target (readlink); for a followed probe, the resolved path (realpath). */
  target?: string;
}

export type FsProbe = FsStat | { exists: false };

const STAT_FORMAT = "%f %u %g %s %h %i %d %.9Y %.9X %.9Z %U %G";

/**
 * Shell functions every probe script starts with. `_s` lstat's a path, `_f` follows links (and prints the real
 * path), `_r` prints a real path alone. A path travels as `=<path>` when it is plain (letters, digits, `/._+@:,=-`)
 * and as hex otherwise, so any byte survives the line format. `_h` prints a file's SHA-1 (or nothing).
 * Every process costs ~0.7 ms on a container host and these run for each task on each host, so they use shell
 * builtins where a pipe would do: stat --printf has no newline to strip, a plain path needs no `od | tr`, and the
 * gid is cut from getent's line by expansion. (`$(cmd; echo .)` keeps a newline a name may end with.)
 */
export const PROBE_FUNCTIONS = [
  `_hex() { od -An -tx1 | tr -d ' \\n'; }`,
  `_enc() { case "$1" in *[!A-Za-z0-9/._+@:,=-]*|'') printf '%s' "$1" | _hex;; *) printf '=%s' "$1";; esac; }`,
  `_r() { _t=$(readlink -n -f -- "$1"; echo .); _enc "\${_t%.}"; }`,
  `_s() { if [ -L "$1" ] || [ -e "$1" ]; then printf 'E '; stat --printf '${STAT_FORMAT}' -- "$1"; if [ -L "$1" ]; then _t=$(readlink -n -- "$1"; echo .); printf ' '; _enc "\${_t%.}"; fi; echo; else echo A; fi; }`,
  `_f() { if [ -e "$1" ]; then printf 'E '; stat -L --printf '${STAT_FORMAT}' -- "$1"; printf ' '; _r "$1"; echo; else echo A; fi; }`,
  // `_s` then `_f` of one path, in two lines and fewer processes: what is not a link follows to itself (one stat),
  // and a directory's real path is `cd -P`'s (a subshell, no program started).
  `_sf() { if [ -L "$1" ]; then _s "$1"; _f "$1"; elif [ -e "$1" ]; then _t=$(stat --printf '${STAT_FORMAT}' -- "$1") || _t=; echo "E $_t"; printf 'E %s ' "$_t"; if [ -d "$1" ] && _p=$(cd -P -- "$1" 2>/dev/null && pwd -P && echo .); then _p=\${_p%.}; _enc "\${_p%?}"; else _r "$1"; fi; echo; else echo A; echo A; fi; }`,
  `_h() { if [ -f "$1" ] && s=$(sha1sum < "$1" 2>/dev/null); then echo "\${s%% *}"; else echo; fi; }`,
  `_uid() { case "$1" in *[!0-9]*|'') id -u -- "$1" 2>/dev/null || echo; ;; *) echo "$1";; esac; }`,
  `_gid() { case "$1" in *[!0-9]*|'') if _g=$(getent group -- "$1"); then _g=\${_g#*:*:}; echo "\${_g%%:*}"; else echo; fi ;; *) echo "$1";; esac; }`,
].join("\n");

/**
 * Collects one-line questions about the host; `run` asks them all at once: as Python inside the host's operation
 * helper where one runs (no process started; probe-python.ts), else as one shell script. Both print the same lines.
 */
export class Probe {
  private readonly lines: string[] = [];
  private readonly py: string[] = [];
  private readonly raw: string[] = [];
  /** Lines of output the questions so far print (`_sf` prints two). */
  private answers = 0;

  private add(line: string, py: string, prints = 1): number {
    this.lines.push(line);
    this.py.push(py);
    this.answers += prints;
    return this.answers - prints;
  }
  /** lstat (or stat, following links) of a path. */
  stat(path: string, follow = false): number {
    return this.add(
      `${follow ? "_f" : "_s"} ${pathWord(path)}`,
      `${follow ? "q_f" : "q_s"}(${pyPath(path)})`,
    );
  }
  /** lstat and stat (following links) of a path: the answers' `stat(l)` and `stat(f)`. */
  stats(path: string): { l: number; f: number } {
    const l = this.add(`_sf ${pathWord(path)}`, `q_sf(${pyPath(path)})`, 2);
    return { l, f: l + 1 };
  }
  sha1(path: string): number {
    return this.add(`_h ${pathWord(path)}`, `q_h(${pyPath(path)})`);
  }
  umask(): number {
    return this.add("umask", "q_umask()");
  }
  /** The uid and gid the probe runs as (one `id`). */
  me(): number {
    return this.add("id", "q_me()");
  }
  /** The real path (links resolved), as `_enc` prints it: read it with decodePath. */
  realPath(path: string): number {
    return this.add(`_r ${pathWord(path)}; echo`, `real(${pyPath(path)})`);
  }
  /** The uid for a user name (or a number as given); empty when there is no such user. */
  uid(owner: string): number {
    return this.add(`_uid ${quote(owner)}`, `q_id(pwd.getpwnam, ${JSON.stringify(owner)}, "pw_uid")`);
  }
  gid(group: string): number {
    return this.add(`_gid ${quote(group)}`, `q_id(grp.getgrnam, ${JSON.stringify(group)}, "gr_gid")`);
  }
  /** "1" when the directory has any entry, else "0". */
  dirHasEntries(path: string): number {
    return this.add(
      `if [ -n "$(ls -A -- ${pathWord(path)} 2>/dev/null | head -c1)" ]; then echo 1; else echo 0; fi`,
      `q_entries(${pyPath(path)})`,
    );
  }
  /** "1" when the path is (or links to) a directory, else "0". */
  isDir(path: string): number {
    return this.add(`if [ -d ${pathWord(path)} ]; then echo 1; else echo 0; fi`, `q_isdir(${pyPath(path)})`);
  }
  /** A regular file's content (following links) in base64, empty when there is none; unreadable fails the probe. */
  base64(path: string): number {
    const p = pathWord(path);
    return this.add(`if [ -f ${p} ]; then base64 -w0 < ${p} || exit 1; fi; echo`, `q_b64(${pyPath(path)})`);
  }
  /** A raw one-line command (must print exactly one line). Under Python the raw commands run together in one
   * shell, before the other questions. */
  line(command: string): number {
    this.raw.push(command);
    return this.add(command, `R[${this.raw.length - 1}]`);
  }

  script(): string {
    return `${PROBE_FUNCTIONS}\n${this.lines.join("\n")}\n`;
  }

  /** The same questions as Python for the operation helper (probe-python.ts). */
  program(): string {
    return pythonProgram(
      this.py,
      this.raw.length ? `${PROBE_FUNCTIONS}\n${this.raw.join("\n")}\n` : undefined,
    );
  }

  async run(ctx: ModuleContext): Promise<ProbeAnswers> {
    const r =
      (await ctx.conn.python?.(this.program(), { become: ctx.become })) ??
      (await ctx.conn.exec(this.script(), { become: ctx.become }));
    const out = r.stdout.split("\n");
    if (r.rc !== 0 || out.length < this.answers)
      throw new ModuleFailure(`could not read the state of ${ctx.host}: ${r.stderr.trim() || `rc ${r.rc}`}`);
    return new ProbeAnswers(out.slice(0, this.answers));
  }
}

export class ProbeAnswers {
  constructor(private readonly out: string[]) {}
  text(i: number): string {
    return this.out[i] ?? "";
  }
  stat(i: number): FsProbe {
    return parseStatLine(this.text(i));
  }
  /** A number, or undefined for an empty answer (no such user/group). */
  id(i: number): number | undefined {
    const t = this.text(i).trim();
    return /^\d+$/.test(t) ? Number(t) : undefined;
  }
  /** What `me` asked: the uid and gid of the probe's user. */
  me(i: number): { uid: number; gid: number } {
    const { uid, gid } = parseIdLine(this.text(i)) ?? { uid: 0, gid: 0 };
    return { uid, gid };
  }
  umask(i: number): number {
    return parseInt(this.text(i).trim() || "022", 8);
  }
}

const KINDS: Record<number, FsKind> = {
  0o100000: "file",
  0o040000: "directory",
  0o120000: "link",
  0o010000: "fifo",
  0o140000: "socket",
  0o020000: "char",
  0o060000: "block",
};

/** Parses one line printed by `_s`/`_f` (or by the same format after a change). */
export function parseStatLine(line: string): FsProbe {
  const parts = line.trim().split(" ");
  if (parts[0] !== "E" || parts.length < 13) return { exists: false };
  const raw = parseInt(parts[1]!, 16);
  const num = (i: number) => Number(parts[i]);
  const uid = num(2);
  const gid = num(3);
  const name = (s: string, id: number) => (s === "UNKNOWN" ? String(id) : s);
  const target = parts[13];
  return {
    exists: true,
    kind: KINDS[raw & 0o170000] ?? "file",
    mode: raw & 0o7777,
    uid,
    gid,
    size: num(4),
    nlink: num(5),
    ino: num(6),
    dev: num(7),
    mtime: num(8),
    atime: num(9),
    ctime: num(10),
    owner: name(parts[11]!, uid),
    group: name(parts[12]!, gid),
    ...(target !== undefined ? { target: decodePath(target) } : {}),
  };
}

/** A path as `_enc` prints it: `=<path>` as it is, or hex. */
export function decodePath(text: string): string {
  return text.startsWith("=") ? text.slice(1) : Buffer.from(text, "hex").toString("utf8");
}

/** Ansible's get_state: link, directory, hard (a file with more than one name), file, or absent. */
export function fileState(p: FsProbe): "absent" | "link" | "directory" | "hard" | "file" {
  if (!p.exists) return "absent";
  if (p.kind === "link") return "link";
  if (p.kind === "directory") return "directory";
  return p.nlink > 1 ? "hard" : "file";
}
