/**
 * ansible.builtin.file: makes a path a file (attributes only), directory, symlink, hard link, touched file, or
 * absent, with owner/group/mode. One probe reads everything the decision needs (the path with and without following
 * links, the link source, the uid/gid of the names asked for, the umask); the comparison is Ansible's file.py
 * (ensure_directory, ensure_symlink, …) step for step, and one script applies only what differs. Check mode stops
 * after the comparison.
 */
import { posix } from "node:path";
import type { Module, ModuleContext, ModuleResult } from "./types.js";
import {
  applyScript,
  askIds,
  FILE_COMMON_ARGS,
  pathInfo,
  resolveIds,
  stepFailure,
} from "./util/attributes.js";
import { dictDiff, initialDiff } from "./util/diff-text.js";
import { ModuleFailure } from "./util/failure.js";
import { fileState, parseStatLine, Probe, type FsProbe, type FsStat } from "./util/probe.js";
import { pathWord } from "./util/shell.js";
import { defaultTime, parseTime, type TimeWish } from "./util/timestamps.js";
import {
  fresh,
  FilePlanner,
  join,
  walkList,
  type FileArgs,
  type FileState,
  type Facts,
  type Plan,
} from "./util/file-planner.js";
import { planHard, planLink } from "./util/file-links.js";

export type { FileArgs };

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

function plan(p: FilePlanner, state: FileState, path: string, mtime: TimeWish, atime: TimeWish): Plan {
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
    let state = args.state as FileState | null | undefined;
    if (state == null) state = prev !== "absent" ? (prev as FileState) : args.recurse ? "directory" : "file";
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
