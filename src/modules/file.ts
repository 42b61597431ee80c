/**
 * ansible.builtin.file: makes a path a file (attributes only), directory, symlink, hard link, touched file, or
 * absent, with owner/group/mode. One probe reads everything the decision needs (the path with and without following
 * links, the link source, the uid/gid of the names asked for, the umask); the comparison is Ansible's file.py
 * (ensure_directory, ensure_symlink, …) step for step, and one script applies only what differs. Check mode stops
 * after the comparison.
 */
import { ModuleArgsError } from "./args.js";
import { posix } from "node:path";
import type { Module, ModuleContext, ModuleResult } from "./types.js";
import {
  applyScript,
  askIds,
  FILE_COMMON_ARGS,
  pathInfo,
  planAttributes,
  resolveIds,
  stepFailure,
  type AttrArgs,
  type DiffDict,
  type ResolvedIds,
  type Step,
} from "./util/attributes.js";
import { dictDiff, initialDiff } from "./util/diff-text.js";
import { ModuleFailure } from "./util/failure.js";
import { fileState, parseStatLine, Probe, type FsProbe, type FsStat } from "./util/probe.js";
import { pathWord, quote } from "./util/shell.js";
import { defaultTime, NOW, parseTime, type TimeWish } from "./util/timestamps.js";

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

type State = "absent" | "directory" | "file" | "hard" | "link" | "touch";

/** Everything the decision needs, read in one probe. */
interface Facts {
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
const join = (a: string, b: string) =>
  b.startsWith("/") || a === "" ? b : a.endsWith("/") ? a + b : `${a}/${b}`;

async function readFacts(
  args: FileArgs,
  ctx: ModuleContext,
  paths: string[],
  listDir: string | undefined,
  listTree: boolean,
): Promise<Facts> {
  const probe = new Probe();
  const um = probe.umask();
  // The UTC offset only matters for explicit timestamps; no fork for it otherwise.
  const timed = args.modification_time != null || args.access_time != null;
  const tz = timed ? probe.line("date +%z") : -1;
  const me = probe.me();
  const q = askIds(probe, args);
  const idx = [...new Set(paths)].map((p) => ({ p, ...probe.stats(p) }));
  const entries = listDir ? probe.dirHasEntries(listDir) : -1;
  const tree = listTree
    ? probe.line(
        `find ${pathWord(args.path)} -mindepth 1 -printf '%y%Y %m %U %G %p\\0' 2>/dev/null | od -An -tx1 | tr -d ' \\n'; echo`,
      )
    : -1;
  const a = await probe.run(ctx);
  const { uid, gid } = a.me(me);
  const stats = new Map(idx.map((i) => [i.p, { l: a.stat(i.l), f: a.stat(i.f) }]));
  const treeText = tree >= 0 ? Buffer.from(a.text(tree), "hex").toString("utf8") : "";
  return {
    umask: a.umask(um),
    tz: (tz >= 0 && a.text(tz).trim()) || "+0000",
    me: { uid, gid },
    ids: resolveIds(a, q),
    stats,
    dirHasEntries: entries >= 0 && a.text(entries) === "1",
    tree: treeText
      .split("\0")
      .filter(Boolean)
      .map((rec) => {
        const [kind, mode, u, g] = rec.split(" ", 4);
        return {
          kind: kind!,
          mode: parseInt(mode!, 8),
          uid: Number(u),
          gid: Number(g),
          path: rec.split(" ").slice(4).join(" "),
        };
      }),
  };
}

/**
 * The before-diff of a removed directory: os.walk's order (each directory's subdirectories, then its files, then
 * each subdirectory in turn), rebuilt from find's listing. Links to directories count as directories, unwalked.
 */
function walkList(top: string, tree: Facts["tree"]): { directories: string[]; files: string[] } {
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
function fresh(kind: "file" | "directory" | "link", f: Facts): FsStat {
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

interface Plan {
  result: Record<string, unknown>;
  diff?: DiffDict;
  changed: boolean;
  steps: Step[];
  /** The path whose stat the result reports (Ansible's add_path_info of `path` or `dest`). */
  infoPath?: string;
  /** Its stat as read by the probe, when infoPath is not one of the probed paths (a followed link). */
  infoNow?: { l: FsProbe; f: FsProbe };
}

class FilePlanner {
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

function plan(p: FilePlanner, state: State, path: string, mtime: TimeWish, atime: TimeWish): Plan {
  const { args } = p;
  let st = p.stat(path);
  let prev = fileState(st.l);
  switch (state) {
    case "absent": {
      if (prev === "absent")
        return { result: { path, changed: false, state: "absent" }, changed: false, steps: [] };
      const diff = initialDiff(path, "absent", prev);
      if (prev === "directory") {
        diff.before.path_content = walkList(path, p.facts.tree);
        p.steps.push({ cmd: `rm -rf -- ${pathWord(path)}`, fail: "rmtree failed: ", bare: true });
      } else p.steps.push({ cmd: `rm -f -- ${pathWord(path)}`, fail: "unlinking failed: " });
      return { result: { path, changed: true, state: "absent" }, diff, changed: true, steps: p.steps };
    }
    case "file": {
      if (args.follow && prev === "link") {
        path = st.f.exists ? (st.f.target ?? path) : path;
        prev = fileState(st.f);
        st = { l: st.f, f: st.f };
      }
      if (prev !== "file" && prev !== "hard")
        throw new ModuleFailure(`file (${path}) is ${prev}, cannot continue`, { path, state: prev });
      const diff = initialDiff(path, "file", prev);
      let changed = p.attrs(path, st.l, diff);
      changed = p.times(path, st.l, mtime, atime, diff) || changed;
      return { result: { path, changed }, diff, changed, steps: p.steps, infoPath: path, infoNow: st };
    }
    case "directory": {
      if (args.follow && prev === "link") {
        path = st.f.exists ? (st.f.target ?? path) : path;
        prev = fileState(st.f);
        st = { l: st.f, f: st.f };
      }
      const diff = initialDiff(path, "directory", prev);
      if (prev === "absent") {
        if (p.check) return { result: { path, changed: true }, diff, changed: true, steps: [] };
        // mkdir each missing component and give it the asked attributes, as Ansible does.
        const abs = path.startsWith("/");
        let cur = "";
        const parts = path.replace(/^\/+|\/+$/g, "").split("/");
        const missing: string[] = [];
        for (const part of parts) {
          cur = abs ? `${cur}/${part}` : cur ? `${cur}/${part}` : part;
          if (!p.stat(cur).f.exists) missing.push(cur);
        }
        for (const dir of missing) {
          p.steps.push({
            cmd: `mkdir -- ${pathWord(dir)} 2>/dev/null || [ -d ${pathWord(dir)} ]`,
            fail: `There was an issue creating ${dir} as requested: `,
          });
          p.attrs(dir, fresh("directory", p.facts), diff);
        }
        if (missing.length) p.times(path, fresh("directory", p.facts), mtime, atime, diff);
        return { result: { path, changed: true }, diff, changed: true, steps: p.steps, infoPath: path };
      }
      if (prev !== "directory") throw new ModuleFailure(`${path} already exists as a ${prev}`, { path });
      const infoNow = st;
      let changed = p.attrs(path, st.l, diff);
      changed = p.times(path, st.l, mtime, atime, diff) || changed;
      if (args.recurse) {
        for (const e of p.facts.tree) {
          const entry: FsStat = {
            ...fresh(e.kind[0] === "d" ? "directory" : e.kind[0] === "l" ? "link" : "file", p.facts),
            mode: e.mode,
            uid: e.uid,
            gid: e.gid,
          };
          changed = p.attrs(e.path, entry, undefined) || changed;
          changed = p.times(e.path, entry, mtime, atime) || changed;
        }
      }
      return { result: { path, changed }, diff, changed, steps: p.steps, infoPath: path, infoNow };
    }
    case "link":
      return planLink(p, path, st, prev, mtime, atime);
    case "hard":
      return planHard(p, path, st, prev, mtime, atime);
    case "touch": {
      let changed = false;
      let current = st.l;
      let attrPath = path;
      if (prev === "absent") {
        if (p.check) return { result: { dest: path, changed: true }, changed: true, steps: [] };
        p.steps.push({ cmd: `: >> ${pathWord(path)}`, fail: "Error, could not touch target: " });
        changed = true;
        current = fresh("file", p.facts);
      } else if (args.follow && prev === "link" && st.f.exists) {
        current = st.f;
        attrPath = st.f.target ?? path;
      }
      const diff = initialDiff(path, "touch", prev);
      changed = p.attrs(attrPath, current, diff) || changed;
      changed = p.times(attrPath, current, mtime, atime, diff) || changed;
      return { result: { dest: path, changed }, diff, changed, steps: p.steps, infoPath: path };
    }
  }
}

function planLink(
  p: FilePlanner,
  path: string,
  st: { l: FsProbe; f: FsProbe },
  prev: string,
  mtime: TimeWish,
  atime: TimeWish,
): Plan {
  const { args } = p;
  let src = args.src ?? undefined;
  if (src === undefined && args.follow && st.f.exists && st.l.exists && st.l.kind === "link")
    src = st.l.target;
  const relpath = st.l.exists && st.l.kind === "directory" ? path : posix.dirname(path);
  const absrc = src === undefined ? undefined : join(relpath, src);
  if (!args.force && absrc !== undefined && !p.stat(absrc).f.exists)
    throw new ModuleFailure(
      `src file does not exist, use "force=yes" if you really want to create the link: ${absrc}`,
      { path, src },
    );
  if (prev === "directory") {
    if (!args.force)
      throw new ModuleFailure(`refusing to convert from ${prev} to symlink for ${path}`, { path });
    if (p.facts.dirHasEntries)
      throw new ModuleFailure(`the directory ${path} is not empty, refusing to convert it`, { path });
  } else if ((prev === "file" || prev === "hard") && !args.force)
    throw new ModuleFailure(`refusing to convert from ${prev} to symlink for ${path}`, { path });

  const diff = initialDiff(path, "link", prev);
  let changed = false;
  if (prev !== "link") {
    if (src === undefined) throw new ModuleArgsError("src is required for creating new symlinks");
    changed = true;
  } else if (src !== undefined && st.l.exists && st.l.target !== src) {
    diff.before.src = st.l.target;
    diff.after.src = src;
    changed = true;
  }
  const P = pathWord(path);
  if (changed) {
    if (prev === "absent")
      p.steps.push({ cmd: `ln -s -- ${quote(src!)} ${P}`, fail: "Error while linking: " });
    else {
      const tmp = pathWord(join(posix.dirname(path), `.${process.pid}.${Date.now() / 1000}.tmp`));
      p.steps.push({
        cmd: `${prev === "directory" ? `rmdir -- ${P} && ` : ""}ln -s -- ${quote(src!)} ${tmp} && mv -fT -- ${tmp} ${P} || { rm -f -- ${tmp}; false; }`,
        fail: "Error while replacing: ",
      });
    }
  }
  const result = { dest: path, src: src ?? null };
  if (p.check && !st.f.exists) return { result: { ...result, changed }, diff, changed, steps: [] };
  // After a change the path is a new link to absrc; in check mode nothing changed yet.
  const after = changed && !p.check ? { l: fresh("link", p.facts) as FsProbe, f: p.stat(absrc!).f } : st;
  const isLink = after.l.exists && after.l.kind === "link";
  if (args.follow && isLink && !after.f.exists) {
    p.warn(
      "Cannot set fs attributes on a non-existent symlink target. follow should be set to False to avoid this.",
    );
  } else {
    const followed = args.follow && isLink && after.f.exists;
    const attrPath = followed ? ((after.f as FsStat).target ?? path) : path;
    const current = followed ? after.f : after.l;
    changed = p.attrs(attrPath, current, diff) || changed;
    changed = p.times(attrPath, current, mtime, atime, diff) || changed;
  }
  return { result: { ...result, changed }, diff, changed, steps: p.steps, infoPath: path };
}

function planHard(
  p: FilePlanner,
  path: string,
  st: { l: FsProbe; f: FsProbe },
  prev: string,
  mtime: TimeWish,
  atime: TimeWish,
): Plan {
  const { args } = p;
  const src = args.src ?? undefined;
  if (prev !== "hard" && src === undefined)
    throw new ModuleArgsError("src is required for creating new hardlinks");
  const srcStat = src !== undefined ? p.stat(src).f : ({ exists: false } as FsProbe);
  if (src !== undefined && !srcStat.exists)
    throw new ModuleFailure("src does not exist", { dest: path, src });
  const diff = initialDiff(path, "hard", prev);
  let changed = false;
  const sameInode = () =>
    st.f.exists && srcStat.exists && st.f.ino === srcStat.ino && st.f.dev === srcStat.dev;
  if (prev === "absent") changed = true;
  else if (prev === "link") {
    if (st.l.exists && st.l.target !== src) {
      diff.before.src = st.l.target;
      diff.after.src = src;
      changed = true;
    }
  } else if (prev === "hard") {
    if (src !== undefined && !sameInode()) {
      changed = true;
      if (!args.force)
        throw new ModuleFailure("Cannot link, different hard link exists at destination", {
          dest: path,
          src,
        });
    }
  } else if (prev === "file") {
    changed = true;
    if (!args.force)
      throw new ModuleFailure(`Cannot link, ${prev} exists at destination`, { dest: path, src });
  } else if (prev === "directory") {
    changed = true;
    if (sameInode()) return { result: { path, changed: false }, changed: false, steps: [], infoPath: path };
    if (!args.force)
      throw new ModuleFailure("Cannot link: different hard link exists at destination", { dest: path, src });
  }
  const P = pathWord(path);
  if (changed) {
    if (prev === "absent")
      p.steps.push({ cmd: `ln -- ${pathWord(src!)} ${P}`, fail: "Error while linking: " });
    else {
      const tmp = pathWord(join(posix.dirname(path), `.${process.pid}.${Date.now() / 1000}.tmp`));
      p.steps.push({
        cmd: `ln -- ${pathWord(src!)} ${tmp} && mv -fT -- ${tmp} ${P} || { rm -f -- ${tmp}; false; }`,
        fail: "Error while replacing: ",
      });
    }
  }
  if (p.check && !st.f.exists)
    return { result: { dest: path, src: src ?? null, changed }, diff, changed, steps: [] };
  // The attributes apply to the inode the path names after linking: the source's.
  const current = changed && srcStat.exists ? { ...srcStat, nlink: srcStat.nlink + 1 } : st.l;
  changed = p.attrs(path, current, diff) || changed;
  changed = p.times(path, current, mtime, atime, diff) || changed;
  return { result: { dest: path, src: src ?? null, changed }, diff, changed, steps: p.steps, infoPath: path };
}

export const file: Module<FileArgs> = {
  name: "file",
  aliases: ["ansible.builtin.file", "ansible.legacy.file"],
  args: {
    state: { type: "str", choices: ["absent", "directory", "file", "hard", "link", "touch"] },
    path: { type: "path", required: true, aliases: ["dest", "name"] },
    _original_basename: { type: "str" },
    recurse: { type: "bool", default: false },
    force: { type: "bool", default: false },
    follow: { type: "bool", default: true },
    src: { type: "path" },
    modification_time: { type: "str" },
    modification_time_format: { type: "str", default: "%Y%m%d%H%M.%S" },
    access_time: { type: "str" },
    access_time_format: { type: "str", default: "%Y%m%d%H%M.%S" },
    ...FILE_COMMON_ARGS,
  },
  checkMode: true,
  async run(args, ctx): Promise<ModuleResult> {
    const base = args._original_basename || (args.src ? posix.basename(args.src) : undefined);
    const inside =
      base && args.state !== "link" && args.state !== "absent" ? join(args.path, base) : undefined;
    // Every path the decision may look at: the path, the file inside it, its ancestors (mkdir), the link source.
    const paths = [args.path];
    if (inside) paths.push(inside);
    const ancestors = (p: string) => {
      const out: string[] = [];
      for (let d = posix.dirname(p); d !== "/" && d !== "." && d !== "~"; d = posix.dirname(d)) out.push(d);
      return out;
    };
    paths.push(...ancestors(args.path));
    if (args.src) {
      paths.push(args.src, join(args.path, args.src), join(posix.dirname(args.path), args.src));
    }
    const f = await readFacts(
      args,
      ctx,
      paths,
      args.state === "link" || args.state == null ? args.path : undefined,
      args.recurse || args.state === "absent",
    );

    let path = args.path;
    if (
      inside &&
      f.stats.get(args.path)!.f.exists &&
      (f.stats.get(args.path)!.f as FsStat).kind === "directory"
    )
      path = inside;
    const prev = fileState(f.stats.get(path)!.l);
    let state = args.state as State | null | undefined;
    if (state == null) state = prev !== "absent" ? (prev as State) : args.recurse ? "directory" : "file";
    if (args.recurse && state !== "directory")
      throw new ModuleFailure("recurse option requires state to be 'directory'", { path });
    if (args.src && state !== "link" && state !== "hard")
      throw new ModuleFailure("src option requires state to be 'link' or 'hard'", { path });
    if (ctx.check && state !== "absent") {
      if (args.owner != null && f.ids.uid === null)
        ctx.warn(`failed to look up user ${args.owner}. Create user up to this point in real play`);
      if (args.group != null && f.ids.gid === null)
        ctx.warn(`failed to look up group ${args.group}. Create group up to this point in real play`);
    }
    const mtime = parseTime(defaultTime(args.modification_time, state), args.modification_time_format, f.tz);
    const atime = parseTime(defaultTime(args.access_time, state), args.access_time_format, f.tz);

    const planner = new FilePlanner({ ...args, path }, f, ctx.check, (m) => ctx.warn(m));
    let pl: Plan;
    try {
      pl = plan(planner, state, path, mtime, atime);
    } catch (e) {
      // fail_json also adds the path's info (add_path_info) to the failure.
      if (e instanceof ModuleFailure) {
        const p = (e.fields.path ?? e.fields.dest) as string | undefined;
        const s = p !== undefined ? f.stats.get(p) : undefined;
        if (s) throw new ModuleFailure(e.message, { ...e.fields, ...pathInfo(s.l, s.f) });
      }
      throw e;
    }
    let info: Record<string, unknown> = {};
    const infoPath = pl.infoPath ?? (pl.result.path as string | undefined) ?? (pl.result.dest as string);
    if (pl.changed && pl.steps.length && !ctx.check) {
      const finals = [`_sf ${pathWord(infoPath)}`]; // two lines: lstat, then stat following links
      const probe = new Probe();
      const script = `${probe.script()}${applyScript(pl.steps, finals)}`;
      const r = await ctx.conn.exec(script, { become: ctx.become });
      const failure = stepFailure(pl.steps, r.rc, r.stdout, r.stderr);
      if (failure) throw new ModuleFailure(failure.msg, failure.step?.bare ? {} : { path });
      const lines = r.stdout.split("\n");
      info = pathInfo(parseStatLine(lines[0] ?? ""), parseStatLine(lines[1] ?? ""));
    } else {
      const s = f.stats.get(infoPath) ??
        pl.infoNow ?? { l: { exists: false } as FsProbe, f: { exists: false } as FsProbe };
      info = pathInfo(s.l, s.f);
    }
    // add_path_info runs last in Ansible: a path still there (check mode) reports its real state.
    const out: ModuleResult = { ...pl.result, ...info, changed: pl.changed };
    if (pl.diff) out.diff = dictDiff(pl.diff);
    return out;
  },
};
