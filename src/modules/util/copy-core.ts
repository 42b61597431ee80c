/**
 * What copy and template share (Ansible's copy action + copy module, and the file module when nothing differs):
 * read the destination's state and checksum in one probe; equal checksums → only owner/group/mode are compared
 * (file module semantics, one more exec only if they differ); different → one write script (backup, validate,
 * atomic rename, new stat). Check mode stops after the comparison; --diff shows the old and new text.
 */
import { createHash } from "node:crypto";
import { posix } from "node:path";
import type { FileDiff, ModuleContext, ModuleResult } from "../types.js";
import {
  applyScript,
  askIds,
  pathInfo,
  planAttributes,
  resolveIds,
  stepFailure,
  type AttrArgs,
} from "./attributes.js";
import { dictDiff, initialDiff } from "./diff-text.js";
import { ModuleFailure } from "./failure.js";
import { resolveMode, ModeError } from "./mode.js";
import { fileState, parseStatLine, Probe, PROBE_FUNCTIONS, type FsProbe } from "./probe.js";
import { pathWord } from "./shell.js";
import { parseWriteOutput, writeScript } from "./write-file.js";

/** Ansible's C.MAX_FILE_SIZE_FOR_DIFF. */
const MAX_DIFF = 104448;

export interface CopyCoreArgs extends AttrArgs {
  dest: string;
  backup: boolean;
  force: boolean;
  /** Unset means: copy does not follow, the attribute-only path (file module) does. */
  follow?: boolean | null;
  validate?: string | null;
}

export interface Source {
  /** The bytes to write (undefined for remote_src). */
  content?: Buffer;
  /** remote_src: the host path to copy from. */
  remotePath?: string;
  /** Basename used when dest is a directory (Ansible's _original_basename). */
  basename: string;
  /** after_header of the diff: the controller file, or "dynamically generated". */
  label: string;
  /** Written from the `content` argument (a directory dest is then an error). */
  fromContent?: boolean;
  /** `src` as the result reports it. */
  src?: string;
}

const sha1 = (b: Buffer) => createHash("sha1").update(b).digest("hex");
const md5 = (b: Buffer) => createHash("md5").update(b).digest("hex");

export async function copyTo(args: CopyCoreArgs, source: Source, ctx: ModuleContext): Promise<ModuleResult> {
  let dest = args.dest;
  if (dest.endsWith("/")) dest = dest + source.basename;
  const inside = posix.join(args.dest, source.basename);
  const probe = new Probe();
  const um = probe.umask();
  const q = askIds(probe, args);
  const idx = (p: string) => ({ ...probe.stats(p), sum: probe.sha1(p) });
  const main = idx(dest);
  const alt = dest === args.dest ? idx(inside) : undefined;
  const srcSum = source.remotePath !== undefined ? probe.sha1(source.remotePath) : -1;
  const srcStat = source.remotePath !== undefined ? probe.stat(source.remotePath, true) : -1;
  const a = await probe.run(ctx);

  let cur = main;
  if (alt && a.stat(main.f).exists && (a.stat(main.f) as { kind: string }).kind === "directory") {
    if (source.fromContent) throw new ModuleFailure("can not use content with a dir as dest");
    dest = inside;
    cur = alt;
  }
  const l = a.stat(cur.l);
  const f = a.stat(cur.f);
  const umask = a.umask(um);
  const ids = resolveIds(a, q);
  if (source.remotePath !== undefined && !a.stat(srcStat).exists)
    throw new ModuleFailure(`Source ${source.remotePath} not found`);
  if (l.exists && !args.force) return { changed: false, dest };

  const localSum = source.content !== undefined ? sha1(source.content) : a.text(srcSum);
  // stat without follow: a link has no checksum, so copying over a link always writes (as Ansible).
  const destSum =
    l.exists && l.kind === "file" ? a.text(cur.sum) : args.follow === true && f.exists ? a.text(cur.sum) : "";

  if (localSum === destSum) return sameContent(args, dest, l, f, localSum, ctx, ids, umask);

  const diffs: FileDiff[] = [];
  if (ctx.diff && source.content !== undefined) diffs.push(await contentDiff(ctx, dest, f, source));
  if (ctx.check) return { changed: true, ...(diffs.length ? { diff: diffs } : {}) };

  // The file that gets replaced: the link's target when following, else the path itself.
  const target =
    args.follow === true && l.exists && l.kind === "link" && f.exists
      ? ((f as { target?: string }).target ?? dest)
      : dest;
  const existing =
    target === dest ? (l.exists && l.kind !== "link" ? l : undefined) : f.exists ? f : undefined;
  if (ids.uid === null)
    throw new ModuleFailure(`chown failed: failed to look up user ${args.owner}`, { path: dest });
  if (ids.gid === null)
    throw new ModuleFailure(`chgrp failed: failed to look up group ${args.group}`, { path: dest });
  const base = existing?.exists ? existing.mode : 0o666 & ~umask;
  let mode = base;
  if (args.mode !== undefined && args.mode !== null) {
    try {
      mode = resolveMode(args.mode, { mode: base, isDir: false, umask });
    } catch (e) {
      if (e instanceof ModeError) throw new ModuleFailure(e.message, { path: dest, details: e.details });
      throw e;
    }
  }
  const script = `${PROBE_FUNCTIONS}\n${writeScript(target, {
    mode,
    ...(ids.uid != null ? { uid: ids.uid } : {}),
    ...(ids.gid != null ? { gid: ids.gid } : {}),
    keepOwner: !!existing?.exists,
    backup: args.backup,
    ...(args.validate ? { validate: args.validate } : {}),
    ...(source.remotePath !== undefined ? { remoteSrc: source.remotePath } : {}),
  })}`;
  const r = await ctx.conn.exec(script, {
    become: ctx.become,
    ...(source.content !== undefined ? { stdin: source.content } : {}),
  });
  if (r.rc !== 0)
    throw new ModuleFailure(`Could not write ${dest}: ${r.stderr.trim() || `rc ${r.rc}`}`, { dest });
  const out = parseWriteOutput(r.stdout, args.backup);
  if (out.validation) {
    // The copy action adds the source checksum to whatever the module returned, failures included.
    throw new ModuleFailure("failed to validate", {
      checksum: localSum,
      exit_status: out.validation.rc,
      stdout: out.validation.stdout,
      stderr: out.validation.stderr,
    });
  }
  const st = parseStatLine(out.statLine);
  return {
    ...pathInfo(st),
    changed: true,
    dest,
    ...(source.src !== undefined ? { src: source.src } : {}),
    checksum: localSum,
    ...(source.content !== undefined ? { md5sum: md5(source.content) } : {}),
    ...(out.backupFile ? { backup_file: out.backupFile } : {}),
    ...(diffs.length ? { diff: diffs } : {}),
  };
}

/** The content is already right: Ansible runs the file module (state=file) for owner/group/mode only. */
async function sameContent(
  args: CopyCoreArgs,
  dest: string,
  l: FsProbe,
  f: FsProbe,
  checksum: string,
  ctx: ModuleContext,
  ids: ReturnType<typeof resolveIds>,
  umask: number,
): Promise<ModuleResult> {
  // file's follow defaults to true: attributes go to the link's target.
  const follow = args.follow ?? true;
  const path =
    follow && l.exists && l.kind === "link" && f.exists ? ((f as { target?: string }).target ?? dest) : dest;
  const current = path === dest ? l : f;
  // A file with a second name is "hard" to Ansible's get_state, so its diff shows hard → file.
  const diff = initialDiff(path, "file", fileState(current) === "hard" ? "hard" : "file");
  const plan = planAttributes(path, current, args, ids, umask, diff, ctx.check);
  let info = pathInfo(current, f);
  if (plan.changed && plan.steps.length && !ctx.check) {
    const r = await ctx.conn.exec(
      `${PROBE_FUNCTIONS}\n${applyScript(plan.steps, [`_s ${pathWord(path)}`])}`,
      {
        become: ctx.become,
      },
    );
    const failure = stepFailure(plan.steps, r.rc, r.stdout, r.stderr);
    if (failure) throw new ModuleFailure(failure.msg, { path });
    info = pathInfo(parseStatLine(r.stdout.split("\n")[0] ?? ""));
  }
  return { ...info, path, dest: path, changed: plan.changed, checksum, diff: dictDiff(diff) };
}

/** Ansible's _get_diff_data: the old text (when it is text and not too big) and the new one. */
async function contentDiff(ctx: ModuleContext, dest: string, f: FsProbe, source: Source): Promise<FileDiff> {
  const diff: FileDiff & Record<string, unknown> = { before: "", after: "" };
  if (f.exists) {
    if (f.size > MAX_DIFF) diff.dst_larger = MAX_DIFF;
    else {
      const old = await ctx.conn.get(dest, { become: ctx.become });
      if (old.subarray(0, 8192).includes(0)) diff.dst_binary = 1;
      else {
        diff.before_header = dest;
        diff.before = old.toString("utf8");
      }
    }
  }
  const content = source.content!;
  if (content.length > MAX_DIFF) diff.src_larger = MAX_DIFF;
  else if (content.includes(0)) diff.src_binary = 1;
  else {
    diff.after_header = source.label;
    diff.after = content.toString("utf8");
  }
  return diff;
}
