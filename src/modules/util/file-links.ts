/**
 * The file module's link states, Ansible's ensure_symlink and ensure_hardlink step for step: whether the path may
 * become the link (force, a non-empty directory), the steps that make it atomically (a temporary link renamed over
 * the path), and the attributes of what the path names afterwards.
 */
import { posix } from "node:path";
import { ModuleArgsError } from "../args.js";
import { initialDiff } from "./diff-text.js";
import { ModuleFailure } from "./failure.js";
import { fresh, join, type FilePlanner, type Plan } from "./file-planner.js";
import type { FsProbe, FsStat } from "./probe.js";
import { pathWord, quote } from "./shell.js";
import type { TimeWish } from "./timestamps.js";

export function planLink(
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

export function planHard(
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
