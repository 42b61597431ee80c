/**
 * What the file module decides with (modules/file.ts): the facts its one probe reads, the plan it makes, and the
 * planner that turns attribute and timestamp wishes into steps, shared by every state (the link states' own
 * comparisons are in file-links.ts).
 */
import { posix } from "node:path";
import { planAttributes, type AttrArgs, type DiffDict, type ResolvedIds, type Step } from "./attributes.js";
import type { FsProbe, FsStat } from "./probe.js";
import { pathWord } from "./shell.js";
import { NOW, type TimeWish } from "./timestamps.js";

export interface FileArgs extends AttrArgs {
  path: string;
  state?: string | null;
  src?: string | null;
  recurse: boolean;
  force: boolean;
  follow: boolean;
  modification_time?: string | null;
  modification_time_format: string;
  access_time?: string | null;
  access_time_format: string;
  _original_basename?: string | null;
}

export type FileState = "absent" | "directory" | "file" | "hard" | "link" | "touch";

/** Everything the decision needs, read in one probe. */
export interface Facts {
  umask: number;
  tz: string;
  me: { uid: number; gid: number };
  ids: ResolvedIds;
  /** lstat and stat (following) of a path the module may work on. */
  stats: Map<string, { l: FsProbe; f: FsProbe }>;
  /** Entries under path for recurse: type letter, mode, uid, gid, path. */
  tree: { kind: string; mode: number; uid: number; gid: number; path: string }[];
  dirHasEntries: boolean;
}

/** Python's os.path.join: an absolute second part wins, nothing is normalised. */
export const join = (a: string, b: string) =>
  b.startsWith("/") || a === "" ? b : a.endsWith("/") ? a + b : `${a}/${b}`;

/**
 * The before-diff of a removed directory: os.walk's order (each directory's subdirectories, then its files, then
 * each subdirectory in turn), rebuilt from find's listing. Links to directories count as directories, unwalked.
 */
export function walkList(top: string, tree: Facts["tree"]): { directories: string[]; files: string[] } {
  const children = new Map<string, Facts["tree"]>();
  for (const e of tree) {
    const parent = posix.dirname(e.path);
    if (!children.has(parent)) children.set(parent, []);
    children.get(parent)!.push(e);
  }
  const out = { directories: [] as string[], files: [] as string[] };
  const visit = (dir: string) => {
    const list = children.get(dir) ?? [];
    const dirs = list.filter((e) => e.kind[1] === "d" || e.kind[0] === "d");
    out.directories.push(...dirs.map((e) => e.path));
    out.files.push(...list.filter((e) => !dirs.includes(e)).map((e) => e.path));
    for (const d of dirs) if (d.kind[0] === "d") visit(d.path);
  };
  visit(top.replace(/\/+$/, "") || "/");
  return out;
}

/** What a freshly made file or directory looks like before its attributes are set. */
export function fresh(kind: "file" | "directory" | "link", f: Facts): FsStat {
  const mode = kind === "directory" ? 0o777 & ~f.umask : kind === "file" ? 0o666 & ~f.umask : 0o777;
  return {
    exists: true,
    kind,
    mode,
    uid: f.me.uid,
    gid: f.me.gid,
    owner: String(f.me.uid),
    group: String(f.me.gid),
    size: 0,
    nlink: 1,
    ino: 0,
    dev: 0,
    // Made by this run: its times are now (Ansible stats the new file before touching it).
    mtime: Date.now() / 1000,
    atime: Date.now() / 1000,
    ctime: Date.now() / 1000,
  };
}

export interface Plan {
  result: Record<string, unknown>;
  diff?: DiffDict;
  changed: boolean;
  steps: Step[];
  /** The path whose stat the result reports (Ansible's add_path_info of `path` or `dest`). */
  infoPath?: string;
  /** Its stat as read by the probe, when infoPath is not one of the probed paths (a followed link). */
  infoNow?: { l: FsProbe; f: FsProbe };
}

export class FilePlanner {
  readonly steps: Step[] = [];
  constructor(
    readonly args: FileArgs,
    readonly facts: Facts,
    readonly check: boolean,
    readonly warn: (m: string) => void,
  ) {}

  stat(p: string) {
    return this.facts.stats.get(p) ?? { l: { exists: false } as FsProbe, f: { exists: false } as FsProbe };
  }

  attrs(path: string, current: FsProbe, diff: DiffDict | undefined): boolean {
    const plan = planAttributes(path, current, this.args, this.facts.ids, this.facts.umask, diff, this.check);
    this.steps.push(...plan.steps);
    return plan.changed;
  }

  /** Ansible's update_timestamp_for_file. */
  times(path: string, current: FsProbe, mtime: TimeWish, atime: TimeWish, diff?: DiffDict): boolean {
    if (mtime === null && atime === null) return false;
    const now = Date.now() / 1000;
    const prevM = current.exists ? current.mtime : now;
    const prevA = current.exists ? current.atime : now;
    let m: number, a: number;
    let cmd: string;
    if (mtime === NOW && atime === NOW) {
      // time.time() is read after the stat in Ansible, so the two always differ and both show in the diff.
      m = a = Math.max(now, prevM + 1e-6, prevA + 1e-6);
      cmd = `touch -c -- ${pathWord(path)}`;
    } else {
      m = mtime === null ? prevM : mtime === NOW ? now : mtime;
      a = atime === null ? prevA : atime === NOW ? now : atime;
      if (m === prevM && a === prevA) return false;
      cmd = `touch -c -m -d @${m} -- ${pathWord(path)} && touch -c -a -d @${a} -- ${pathWord(path)}`;
    }
    this.steps.push({ cmd, fail: "Error while updating modification or access time: " });
    if (diff) {
      if (m !== prevM) {
        diff.before.mtime = prevM;
        diff.after.mtime = m;
      }
      if (a !== prevA) {
        diff.before.atime = prevA;
        diff.after.atime = a;
      }
    }
    return true;
  }
}
